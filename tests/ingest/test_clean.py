"""Cleaning: control characters, markup, page furniture, hyphenation, blank lines, tables of
contents, draft markers."""

from ingest.clean import (
    clean_pages,
    drop_contents,
    find_draft_markers,
    join_broken_paragraphs,
    join_hyphenated,
    normalise_characters,
)
from ingest.models import Page


def test_control_characters_and_markup_removed():
    text = "Safer\x07 Walsall\u200b **Partnership** <u>plan</u>\r\nnext\x00 line"
    assert normalise_characters(text) == "Safer Walsall Partnership plan\nnext line"


def test_a_heading_run_into_its_paragraphs_bold_label_goes_back_on_its_own_line():
    text = ("Tackling Domestic Abuse in Sandwell **Challenges:** Increase in crimes.\n\n"
            "Tackling Child Exploitation **Challenges**: One of the biggest.")
    assert normalise_characters(text) == ("Tackling Domestic Abuse in Sandwell\n\nChallenges: Increase in crimes.\n\n"
                                          "Tackling Child Exploitation\n\nChallenges: One of the biggest.")
    # not a heading: a sentence in lower case, a bold name without a label's colon, a heading with its own colon
    for line in ("We met the police and **Challenges:** were discussed", "The **Crime and Disorder Act 1998** applies",
                 "Priority: Reduce drug misuse **Lead partner: Public Health**"):
        assert normalise_characters(line) == line.replace("**", "")


def test_words_hyphenated_across_lines_are_joined():
    assert join_hyphenated("the commu-\nnity safety") == "the community safety"
    assert join_hyphenated("tackle Anti-\nSocial behaviour") == "tackle Anti-Social behaviour"


def test_page_furniture_removed_and_blank_runs_collapsed():
    pages = [Page(None, "Intro text.\n\n\n\n\nSensitivity: NOT PROTECTIVELY MARKED\n\nDraft V1.9\n\n12\n\nReducing Offending\nBody text.")]
    cleaned, markers = clean_pages(pages)
    assert cleaned[0].text == "Intro text.\n\nReducing Offending\nBody text."
    assert markers == ["Draft V1.9"]


def test_running_headers_repeated_across_pages_removed():
    body = "The partnership agreed {} actions this year to reduce violence and support victims across the borough."
    pages = [Page(i, f"Safer Testshire Partnership Plan\n{body.format(i)}\nPage {i} of 5") for i in range(1, 6)]
    cleaned, _ = clean_pages(pages)
    for i, page in enumerate(cleaned, start=1):
        assert page.text == body.format(i)


def test_draft_markers_found():
    text = "Executive Summary – To be added following the consultation once content is final.\nDraft V2.1"
    assert find_draft_markers(text) == ["Draft V2.1", "To be added following the consultation once content is final"]


def test_table_of_contents_with_page_numbers_removed_and_content_kept():
    page = Page(2, "Our vision for a safer borough.\n\nContents\n\nIntroductions\n- Message from the Chair\t4\n"
                   "- What the data tells us?\t7\n- Violence reduction 14-15\nAppendix A ........ 25\nB. Governance Structure\n\n"
                   "Introduction from the Chair Councillor Jane Smith\n\n"
                   "Community safety is one of the most important things for any resident of the borough.")
    cleaned, _ = clean_pages([page])
    assert cleaned[0].text == (
        "Our vision for a safer borough.\n\n"
        "Introduction from the Chair Councillor Jane Smith\n\n"
        "Community safety is one of the most important things for any resident of the borough.")


def test_contents_on_one_line_removed_up_to_the_first_heading_with_text():
    # PDF export can put every title on one line; the first real heading ends the contents
    page = Page(1, "Contents\n\nGlossary of terms Foreword Executive summary Reducing offending Preventing violence Delivery\n\n"
                   "Foreword\n\nIssues of crime and harm reduction are complex and need a partnership response. ¹")
    cleaned, _ = clean_pages([page])
    assert cleaned[0].text == "Foreword\n\nIssues of crime and harm reduction are complex and need a partnership response. ¹"


def test_contents_running_over_a_page_break_removed():
    pages = [Page(1, "Table of Contents\nForeword 3\nPriorities 5"), Page(2, "Delivery 9\nGovernance 11\n\nForeword\n"
                                                                         "This strategy sets out how partners will work together to keep people safe.")]
    cleaned = drop_contents(pages)
    assert [p.text.strip() for p in cleaned] == ["", "Foreword\nThis strategy sets out how partners will work together to keep people safe."]


def test_contents_word_in_running_text_is_not_a_table_of_contents():
    text = "Contents\nThe contents of this report were agreed by the Board in June 2021 after consultation.\nNext steps 4"
    assert drop_contents([Page(1, text)])[0].text == text


def test_a_sentence_split_into_two_paragraphs_is_joined():
    broken = ("It will consider how to improve consistency and\n\nquality of investigations, as well as services.\n\n"
              "Next paragraph.")
    assert join_broken_paragraphs(broken) == ("It will consider how to improve consistency and quality of investigations, "
                                              "as well as services.\n\nNext paragraph.")
    # the page furniture between the halves goes first, so clean_pages joins them too
    (page,), _ = clean_pages([Page(1, "We want to create a culture where the casualty is no longer the\n\n12\n\n"
                                      "victim, where integration flourishes.")])
    assert page.text == "We want to create a culture where the casualty is no longer the victim, where integration flourishes."


def test_paragraphs_that_end_or_start_a_sentence_or_are_not_prose_stay_apart():
    kept = [
        "The partnership met eleven times during the year to agree the plan.\n\nthen a lower-case line",  # ended
        "A heading that stops and\n\nlower case",  # too short to be a broken sentence
        "Action | Lead | Date | Status | Notes | Owner | Review | and\n\nnext row",  # a table row
        "Our priorities for the next three years of partnership working are\n\nViolence, Exploitation",  # capital
    ]
    for text in kept:
        assert join_broken_paragraphs(text) == text
