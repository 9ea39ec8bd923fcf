"""Metadata: manifest entries, inference for unlisted files, partnership names in text and queries."""

from pathlib import Path

import pytest

from ingest.metadata import (
    infer_doc_type,
    infer_metadata,
    load_manifest,
    resolve_metadata,
)
from ingest.partnerships import defined_acronyms, load_registry, partnerships_in_query

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
REGISTRY = load_registry(CORPUS / "partnerships.yaml")

EXPECTED = {
    "birmingham-csp-annual-report-2020-21.txt": ("Birmingham", "annual report"),
    "dudley-scrutiny-report-safe-and-sound-2021.txt": ("Dudley", "scrutiny report"),
    "sandwell-community-safety-strategy-delivery-2022-23.txt": ("Sandwell", "strategy"),
    "walsall-cabinet-report-safer-walsall-partnership-plan-2020.txt": ("Walsall", "cabinet report"),
    "wolverhampton-community-safety-and-harm-reduction-strategy-2020-2023.txt": ("Wolverhampton", "strategy"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_partnership_and_type_inferred_from_text_alone(name):
    text = (CORPUS / name).read_text(encoding="utf-8")
    meta = infer_metadata("document.txt", text, REGISTRY)  # file name gives no hint
    assert (meta.partnership, meta.doc_type) == EXPECTED[name]
    assert meta.inferred is True


def test_unknown_partnership_detected_by_pattern():
    text = "Safer Testshire Partnership\n\nAnnual Report 2021/22\n\nThe Safer Testshire Partnership met 4 times."
    meta = infer_metadata("report.txt", text, REGISTRY)
    assert (meta.partnership, meta.partnership_full) == ("Testshire", "Safer Testshire Partnership")
    assert (meta.doc_type, meta.period) == ("annual report", "2021-2022")


def test_swp_is_bound_per_document():
    walsall = (CORPUS / "walsall-cabinet-report-safer-walsall-partnership-plan-2020.txt").read_text()
    wolves = (CORPUS / "wolverhampton-community-safety-and-harm-reduction-strategy-2020-2023.txt").read_text()
    assert defined_acronyms(walsall)["SWP"] == "Safer Walsall Partnership"
    assert defined_acronyms(wolves)["SWP"] == "Safer Wolverhampton Partnership"


def test_an_acronym_is_only_defined_by_words_it_abbreviates():
    text = ("Partners meet at the Walsall Multi Agency Risk Assessment Conference (MARAC) each month.\n"
            "Cameras: Closed Circuit Television (CCTV) covers the centre.\n"
            "Chaired by the Police and Crime Commissioner (PCC).\n"
            "Our partners include the Night (SWAN) project.\n"
            "WEST MIDLANDS FIRE SERVICE\n"
            "- IDVA Independent Domestic Violence Advisor\n")
    assert defined_acronyms(text) == {"MARAC": "Multi Agency Risk Assessment Conference",
                                      "CCTV": "Closed Circuit Television", "PCC": "Police and Crime Commissioner",
                                      "IDVA": "Independent Domestic Violence Advisor"}


@pytest.mark.parametrize("query,expected", [
    ("What does SWP prioritise?", ["Walsall", "Wolverhampton"]),
    ("how do the Black Country boroughs tackle knife crime", ["Dudley", "Sandwell", "Walsall", "Wolverhampton"]),
    ("Who chairs Safe and Sound?", ["Dudley"]),
    ("compare the BCSP and Safer Sandwell", ["Birmingham", "Sandwell"]),
    ("what does West Midlands Police do", []),
    ("Black Country's approach to hate crime", ["Dudley", "Sandwell", "Walsall", "Wolverhampton"]),
    # "-wide" says how far a body reaches: the question names no partnership
    ("Which partnerships involve Black Country-wide bodies?", []),
    ("is there a Black Country wide strategy", []),
])
def test_partnerships_named_in_a_query(query, expected):
    assert sorted(partnerships_in_query(query, REGISTRY)) == expected


def test_manifest_metadata_and_parts():
    manifest = load_manifest(CORPUS / "manifest.yaml")
    name = "walsall-cabinet-report-safer-walsall-partnership-plan-2020.txt"
    meta = resolve_metadata(name, "", manifest, REGISTRY)
    assert meta.inferred is False
    assert meta.partnership_full == "Safer Walsall Partnership"
    assert [p.doc_type for p in meta.parts] == ["cabinet report", "partnership plan", "equality assessment"]
    assert set(manifest) == set(EXPECTED)


@pytest.mark.parametrize("head,expected", [
    ("Equality Impact Assessment (EqIA) for Policies", "equality assessment"),
    ("Meeting of the Scrutiny Committee", "scrutiny report"),
    ("Cabinet 23 October 2019", "cabinet report"),
    ("Some text with no type", "document"),
])
def test_doc_type_rules(head, expected):
    assert infer_doc_type(head, "x.txt") == expected
