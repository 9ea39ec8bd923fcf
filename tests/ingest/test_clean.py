"""Cleaning: control characters, markup, page furniture, hyphenation, blank lines, draft markers."""

from ingest.clean import clean_pages, find_draft_markers, join_hyphenated, normalise_characters
from ingest.models import Page


def test_control_characters_and_markup_removed():
    text = "Safer\x07 Walsall\u200b **Partnership** <u>plan</u>\r\nnext\x00 line"
    assert normalise_characters(text) == "Safer Walsall Partnership plan\nnext line"


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
