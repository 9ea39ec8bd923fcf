"""Naming places the index has no partnership for: the names are read whole, with or without
"CSP"/"Council" after them."""

import pytest

from ingest.partnerships import (
    Partnership,
    Registry,
    areas_named_in,
    uk_areas,
    unknown_areas_in_query,
)

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
    # a local authority area named on its own
    ("What is Solihull doing about car cruising?", ["Solihull"]),
    ("Knife crime in Leeds: what are the priorities?", ["Leeds"]),
    ("Compare Coventry and Leeds on drugs", ["Coventry", "Leeds"]),
    ("What is the Telford and Wrekin Community Safety Partnership doing?", ["Telford and Wrekin"]),
    ("Does Newcastle upon Tyne have a MARAC?", ["Newcastle upon Tyne"]),
    ("What did Walsall promise in 2020 on drugs?", []),  # known
    ("Has Walsall's pilot with Coventry started?", ["Coventry"]),  # the caller decides (Walsall is named)
    # not an area of its own
    ("What is happening in Sutton Coldfield?", []),  # "Sutton" is inside a longer name
    ("Who sits on the Birmingham and Solihull Clinical Commissioning Group?", ["Birmingham"]),
    ("Reading the plan, what does Walsall promise?", []),  # a first word, and a word left out of the list
    ("Which partnerships run rugby sessions for young people?", []),
])
def test_unknown_areas_are_named_whole(question, areas):
    assert unknown_areas_in_query(question, REGISTRY) == areas


def test_area_names_come_from_the_list_longest_first():
    areas = uk_areas()
    assert {"Solihull", "Coventry", "Leeds", "Newcastle upon Tyne", "Cardiff", "Belfast"} <= set(areas)
    assert not {"Reading", "Rugby", "Bury"} & set(areas)  # names that are also ordinary words
    assert list(areas) == sorted(areas, key=lambda n: (-len(n), n))
    assert areas_named_in("Is Newcastle upon Tyne's plan out?") == ["Newcastle upon Tyne"]
    assert areas_named_in("Coventry's priorities?") == ["Coventry"]  # first word, but possessive
    assert areas_named_in("Coventry priorities?") == []
