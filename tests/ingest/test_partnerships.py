"""Naming places the index has no partnership for: the names are read whole."""

import pytest

from ingest.partnerships import Partnership, Registry, unknown_areas_in_query

REGISTRY = Registry([Partnership(name="Walsall", full_name="Safer Walsall Partnership", aliases=["Walsall CSP"])])


@pytest.mark.parametrize(("question", "areas"), [
    ("What has the Stoke-on-Trent Community Safety Partnership done about exempt accommodation?", ["Stoke-on-Trent"]),
    ("How does Newcastle upon Tyne City Council tackle anti-social behaviour?", ["Newcastle upon Tyne"]),
    ("What does West Berkshire Council fund?", ["West Berkshire"]),
    ("How does Solihull CSP tackle knife crime?", ["Solihull"]),
    ("What is Coventry's Community Safety Partnership doing?", ["Coventry"]),
    ("How does Safer Leeds work?", ["Leeds"]),
    ("What does the Safer Walsall Partnership fund?", []),
    ("What does the Community Safety Partnership do?", []),
])
def test_unknown_areas_are_named_whole(question, areas):
    assert unknown_areas_in_query(question, REGISTRY) == areas
