"""Chunking: sentence-safe boundaries, heading trails, parts of bundled files, stable ids."""

from pathlib import Path

import pytest

from cspkb.settings import ChunkSettings, Settings
from ingest.chunker import chunk_document
from ingest.clean import clean_pages
from ingest.loaders import load_file
from ingest.metadata import load_manifest, resolve_metadata
from ingest.models import DocumentMeta, Page
from ingest.partnerships import load_registry
from ingest.structure import (
    label_key,
    parse_blocks,
    repeated_line_labels,
    split_sentences,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
CFG = ChunkSettings()


def _meta(source="t.txt"):
    return DocumentMeta(source=source, partnership="Testshire", partnership_full="Safer Testshire Partnership",
                        title="Plan", doc_type="strategy")


def corpus_chunks(name):
    settings = Settings()
    registry = load_registry(CORPUS / "partnerships.yaml")
    loaded = load_file(CORPUS / name, 10**8)
    pages, _ = clean_pages(loaded.pages)
    text = "\n\n".join(p.text for p in pages)
    meta = resolve_metadata(name, text, load_manifest(CORPUS / "manifest.yaml"), registry)
    return chunk_document(pages, meta, loaded.sha256, settings.chunking), text


ALL_DOCS = sorted(p.name for p in CORPUS.glob("*.txt"))


def test_sentence_splitter_keeps_abbreviations_and_initials():
    text = "Work with partners, e.g. the police. Led by Cllr. J. Cotton since 2020. It costs £3.3 million! Done?"
    assert split_sentences(text) == [
        "Work with partners, e.g. the police.",
        "Led by Cllr. J. Cotton since 2020.",
        "It costs £3.3 million!",
        "Done?",
    ]


def test_a_list_items_number_begins_its_sentence():
    assert split_sentences("- 1. Reducing serious crime") == ["- 1. Reducing serious crime"]
    assert split_sentences("2. Stopping violence. It starts early.") == ["2. Stopping violence.", "It starts early."]
    assert split_sentences("See page 3. Then read on.") == ["See page 3.", "Then read on."]


def test_long_paragraph_splits_only_at_sentence_ends():
    sentences = [f"Sentence number {i} describes a partnership action in some detail here." for i in range(80)]
    chunks = chunk_document([Page(None, "Heading One\n\n" + " ".join(sentences))], _meta(), "abc", CFG)
    assert len(chunks) > 1
    assert chunks[0].text.startswith("Heading One\nSentence number 0")  # the section's first chunk quotes its heading
    assert not any("Heading One" in c.text for c in chunks[1:])  # later ones carry it in the trail only
    rebuilt = []
    for c in chunks:
        assert len(c.text.split()) <= CFG.max_words
        assert c.text.endswith(".")
        rebuilt += split_sentences(c.text.removeprefix("Heading One\n"))
        assert c.trail == "Heading One"
    assert rebuilt == sentences


@pytest.mark.parametrize("name", ALL_DOCS)
def test_no_chunk_cuts_a_sentence(name):
    """Every line of every chunk is a whole block, or a run of whole sentences of one block."""
    chunks, text = corpus_chunks(name)
    blocks = parse_blocks([Page(None, text)])
    whole = {b.text for b in blocks}
    sentences = [split_sentences(b.text) for b in blocks]

    def is_sentence_run(line):
        return any(
            line == " ".join(sents[i:j])
            for sents in sentences if line in " ".join(sents)
            for i in range(len(sents)) for j in range(i + 1, len(sents) + 1)
        )

    for c in chunks:
        for line in c.text.split("\n"):
            assert line in whole or is_sentence_run(line), f"{name}: cut inside a sentence: {line[:80]!r}"


@pytest.mark.parametrize("name", ALL_DOCS)
def test_chunks_are_small_enough_to_cite(name):
    chunks, _ = corpus_chunks(name)
    words = [len(c.text.split()) for c in chunks]
    assert max(words) <= CFG.max_words
    assert 40 <= sum(words) / len(words) <= 250


def test_heading_trail_names_priority_and_lead_in():
    chunks, _ = corpus_chunks("walsall-cabinet-report-safer-walsall-partnership-plan-2020.txt")
    target = next(c for c in chunks if "Reduce offending by increasing the number of people entering" in c.text)
    assert target.trail.startswith("Priority: Reduce drug and alcohol misuse")
    assert target.trail.endswith("Over the coming year we will")


def test_a_section_whose_heading_ran_into_its_first_paragraph_has_that_heading():
    chunks, _ = corpus_chunks("sandwell-community-safety-strategy-delivery-2022-23.txt")
    target = next(c for c in chunks if "The Child Exploitation Board (CEB) leads on this area of work" in c.text)
    assert target.trail.endswith("Tackling Child Exploitation in Sandwell"), target.trail


def test_walsall_parts_are_labelled():
    chunks, _ = corpus_chunks("walsall-cabinet-report-safer-walsall-partnership-plan-2020.txt")

    def part_of(snippet):
        return next(c for c in chunks if snippet in c.text)

    assert part_of("The Partnership is the responsible authority board").document.startswith("Cabinet report")
    plan = part_of("You told us that you want to reduce the number of people taking")
    assert (plan.document, plan.doc_type) == ("Safer Walsall Partnership Plan 2020", "partnership plan")
    eqia = part_of("Every three years the Safety Walsall Partnership is required")
    assert eqia.doc_type == "equality assessment"
    assert "Equality Impact Assessment" in eqia.document
    # no chunk spans two parts: part order never goes back
    order = ["cabinet report", "partnership plan", "equality assessment"]
    seen = [order.index(c.doc_type) for c in chunks]
    assert seen == sorted(seen)
    # the cabinet report's sign-off (lines shaped like headings, with no text after them before
    # the plan begins) stays in the report, with its author, not carried into the plan
    sign_off = part_of("James Walsh Executive Director")
    assert sign_off.doc_type == "cabinet report" and "Susan Dicks" in sign_off.text
    assert "Councillor Perry Portfolio Holder" in sign_off.text


def test_chunk_ids_are_stable_and_depend_on_content():
    pages = [Page(None, "Heading\n\nFirst paragraph is here.\n\nSecond one is here.")]
    a = chunk_document(pages, _meta(), "hash1", CFG)
    b = chunk_document(pages, _meta(), "hash1", CFG)
    c = chunk_document(pages, _meta(), "hash2", CFG)
    assert [x.chunk_id for x in a] == [x.chunk_id for x in b]
    assert {x.chunk_id for x in a}.isdisjoint({x.chunk_id for x in c})


def test_pdf_pages_are_kept_on_chunks():
    pages = [Page(1, "Section A\n\n" + "Alpha text here. " * 20), Page(2, "Section B\n\n" + "Beta text here. " * 20)]
    chunks = chunk_document(pages, _meta("x.pdf"), "h", CFG)
    assert [(c.page_start, c.trail) for c in chunks] == [(1, "Section A"), (2, "Section B")]


@pytest.mark.parametrize("lead_in, items", [
    ("- Learning events are being planned", "  - 1) one on health care.\n  - 2) one on suicide.\n"),  # nested items
    ("Three learning events are being planned:", "- 1) one on health care.\n- 2) one on suicide.\n"),  # after "...:"
])
def test_a_chunk_at_its_target_size_keeps_the_items_its_last_line_introduces(lead_in, items):
    cfg = ChunkSettings(target_words=40, max_words=80, min_words=5)
    text = "Domestic homicide reviews\n\n" + "The partnership reviews every case it is told about. " * 4 + "\n" + lead_in + "\n" + items
    chunks = chunk_document([Page(None, text)], _meta(), "abc", cfg)
    holder = next(c for c in chunks if lead_in in c.text)
    assert "suicide" in holder.text
    # past the ceiling the chunk closes as before
    tight = chunk_document([Page(None, text)], _meta(), "abc", ChunkSettings(target_words=40, max_words=50, min_words=5))
    assert "suicide" not in next(c for c in tight if lead_in in c.text).text


def test_a_chunk_that_opens_in_the_middle_of_a_list_names_the_paragraph_that_began_it():
    cfg = ChunkSettings(target_words=40, max_words=60, min_words=5)
    text = ("Projects\n\n4.10 **Virtual Decisions:** This project is delivered with a theatre company. "
            + "It covers peer pressure, gang culture and youth violence in a simulated scenario. " * 2 + "\n"
            "- This project will be delivered into 12 schools and with young people referred by the police.\n"
            "- 4 schools have received sessions so far this year.\n"
            "4.11 Scoping: a new paragraph about organised crime.\n")
    chunks = chunk_document([Page(None, text)], _meta(), "abc", cfg)
    opening = next(c for c in chunks if c.text.startswith("- 4 schools"))
    assert opening.trail == "Projects > Virtual Decisions" and opening.continues == "Virtual Decisions"
    assert chunks[0].continues == ""  # the first chunk opens with its heading, not mid-list
    # a chunk that opens with a paragraph is not a continuation
    plain = chunk_document([Page(None, "Projects\n\n" + "A paragraph of text here. " * 12 + "\n" + "Another paragraph. " * 12)],
                           _meta(), "abc", cfg)
    assert all(c.continues == "" and c.trail == "Projects" for c in plain)


def test_a_chunk_kept_open_for_nested_items_closes_at_the_next_item_of_the_outer_list():
    cfg = ChunkSettings(target_words=40, max_words=120, min_words=5)
    text = ("Domestic homicide reviews\n\n" + "The partnership reviews every case it is told about. " * 4 + "\n"
            "- Learning events are being planned\n  - 1) one on health care.\n  - 2) one on suicide.\n"
            "- Operation Hercules is held within an injunction for car cruising.\n")
    chunks = chunk_document([Page(None, text)], _meta(), "abc", cfg)
    holder = next(c for c in chunks if "Learning events" in c.text)
    assert "suicide" in holder.text and "Hercules" not in holder.text


def test_blocks_recognise_numbered_bullets_and_rows():
    blocks = parse_blocks([Page(None, "1. Purpose\n\n1.1 This report explains things.\n\n- a bullet item\n\nA\tB\tC")])
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "1. Purpose"), ("para", "1.1 This report explains things."),
        ("bullet", "- a bullet item"), ("row", "A | B | C")]


def test_headings_with_no_text_under_them_are_kept_not_lost():
    """A cover title, or a list whose short lines read as headings, stays in the chunk text."""
    text = ("Safer Northshire Partnership\n\nCommunity Safety Strategy 2020-2023\n\nGlossary of Terms\n\n"
            "- ASB Anti-social behaviour\n- DA Domestic abuse\n\nConsultation\n\nVictim Support\n\nDisability Forums\n\n"
            "Schools & Education\n\nThe partnership asked these groups for their views on the priorities this year.")
    chunks = chunk_document([Page(None, text)], _meta(), "abc", CFG)
    body = "\n".join(c.text for c in chunks)
    for line in ("Safer Northshire Partnership", "Community Safety Strategy 2020-2023", "Victim Support",
                 "Disability Forums"):
        assert line in body, line
    assert "Schools & Education" in chunks[-1].trail  # the heading in force stays the section, as before
    assert chunks[0].text.startswith(
        "Safer Northshire Partnership\nCommunity Safety Strategy 2020-2023\nGlossary of Terms\n- ASB")


def test_headings_that_end_a_document_with_no_text_after_them_are_kept():
    text = ("Priorities\n\nWe will cut crime in every town this year with our partners.\n\n"
            "Contact us\n\nCommunity Safety Team\n\nNorthshire Council House")
    chunks = chunk_document([Page(None, text)], _meta(), "abc", CFG)
    body = "\n".join(c.text for c in chunks)
    assert "Community Safety Team" in body and "Northshire Council House" in body


def test_a_contact_line_is_content_not_a_heading_and_is_indexed():
    """A short line with a phone number, an email or a web address is shaped like a heading; a
    document ending in a contact block had it parsed as headings with no text under them, and
    the block reached no chunk."""
    text = ("Equality impact\n\nThe plan was assessed for its effect on each protected group this year.\n\n"
            "Contact us\n\nEquality Team\n\nTelephone 01234 567890 Email equality@northshire.gov.uk\n\n"
            "Website: https://www.northshire.gov.uk/equality")
    blocks = parse_blocks([Page(None, text)])
    kinds = {b.text: b.kind for b in blocks}
    assert kinds["Telephone 01234 567890 Email equality@northshire.gov.uk"] == "para"
    assert kinds["Website: https://www.northshire.gov.uk/equality"] == "para"
    assert kinds["Contact us"] == "heading"  # a heading with no contact details stays one
    body = "\n".join(c.text for c in chunk_document([Page(None, text)], _meta(), "abc", CFG))
    assert "01234 567890" in body and "equality@northshire.gov.uk" in body


def test_sentence_units_split_sentences_cells_and_list_lines_and_drop_fragments():
    from ingest.structure import sentence_units

    text = "Knife crime fell by a tenth. Youth workers met 300 young people.\n- Mentoring in A&E for victims\nA | 12 cases | up on last year\nOK."
    assert sentence_units(text) == ["Knife crime fell by a tenth.", "Youth workers met 300 young people.",
                                     "- Mentoring in A&E for victims", "up on last year"]


def test_line_units_split_a_list_run_into_one_line_at_its_bullet_glyphs():
    from ingest.structure import line_units

    line = "Objectives | ✓ Ensure victim pathways are in place ✓ Understand a trauma informed approach"
    assert line_units(line) == ["Objectives", "Ensure victim pathways are in place", "Understand a trauma informed approach"]
    assert line_units("Aims: • Reduce harm • Support victims") == ["Aims:", "Reduce harm", "Support victims"]


def test_line_units_cut_a_long_table_cell_where_a_lost_bullet_began_an_item():
    from ingest.structure import line_units

    cell = ("Enhance community safety information on the Council website Distribute crime prevention materials "
            "on priority issues identified Review and update the partnership plan with the Violence Reduction Unit")
    assert line_units("Actions | " + cell) == [
        "Actions", "Enhance community safety information on the Council website",
        "Distribute crime prevention materials on priority issues identified",
        "Review and update the partnership plan with the Violence Reduction Unit"]
    # not in a table: a long sentence naming places keeps its names ("ensure Walsall is ...")
    prose = ("The Partnership embraces its achievements through working together, but it knows there is more "
             "to do to ensure Walsall is as safe and free from harm as it can be.")
    assert line_units(prose) == [prose]
    # a short cell is left whole
    assert line_units("Lead | Support offending pathways Reduce harm now") == ["Lead", "Support offending pathways Reduce harm now"]


def test_a_heading_is_quotable_in_the_chunk_it_opens():
    """Headings can carry the evidence ('Introduction from the Chair Councillor ...'): the first
    chunk under one starts with it, so an answer can cite it as an exact span."""
    chunks, _ = corpus_chunks("walsall-cabinet-report-safer-walsall-partnership-plan-2020.txt")
    opener = next(c for c in chunks if c.trail.endswith("Introduction from the Chair Councillor Garry Perry"))
    lines = opener.text.split("\n")
    assert "Introduction from the Chair Councillor Garry Perry" in lines
    assert lines[lines.index("Introduction from the Chair Councillor Garry Perry") + 1].startswith("From feeling secure")
    assert sum("Introduction from the Chair" in c.text for c in chunks) == 1


def test_an_appendix_heading_starts_a_new_section():
    """An appendix after the last priority is not part of that priority's section."""
    text = ("Priority: Reduce reoffending Lead partner: Probation\n\nWe will help people leaving prison find homes.\n\n"
            "APPENDIX A – Performance delivery plan\n\nThe example plan below shows the violence priority's measures.")
    chunks = chunk_document([Page(None, text)], _meta(), "abc", CFG)
    assert chunks[-1].trail == "APPENDIX A – Performance delivery plan"


def test_a_line_label_the_documents_repeat_is_a_line_type_not_a_name():
    texts = ["Recent work: Schools trained.\n4.5 Operation Encompass: Began in 2011.",
             "- Recent Work: Bins emptied.\nFuture directions: More bins.\nFuture direction: Fewer vans.",
             "4.5 Operation Encompass: Began in 2011."]  # a line repeated by overlapping chunks counts once
    assert repeated_line_labels(texts) == {"recent work", "future direction"}
    assert label_key("Future  Directions") == "future direction"
