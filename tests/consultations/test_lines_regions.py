"""Pasted lists and the shipped geography: pure, no database."""

from __future__ import annotations

from babel import Locale

from clinicdesk.consultations.lines import (
    CommunityLine,
    GroupLine,
    InitiativeLine,
    LineProblem,
    parse_communities,
    parse_initiatives,
)
from clinicdesk.consultations.regions import (
    MAP_REGIONS,
    REGIONS,
    countries,
    country_of_zone,
    region_of_zone,
)
from clinicdesk.consultations.texts import pick


def test_parse_initiatives_reads_groups_and_their_initiatives():
    groups, items, problems = parse_initiatives(
        "# R1 | Sustainability\n1.1 | Awareness | Make | known\n\n# R2 | UX\n2.1 | Onboarding\n"
    )

    assert problems == []
    assert groups == [GroupLine("R1", "Sustainability"), GroupLine("R2", "UX")]
    assert items == [
        InitiativeLine("R1", "1.1", "Awareness", "Make | known"),
        InitiativeLine("R2", "2.1", "Onboarding", ""),
    ]


def test_parse_initiatives_reports_each_bad_line():
    _groups, _items, problems = parse_initiatives("1.1 | Before any group\n# R1 |\n# R2 | X\n2.1\n")

    assert [(p.line, p.kind) for p in problems] == [
        (1, LineProblem.NO_GROUP),
        (2, LineProblem.MISSING_TITLE),
        (4, LineProblem.MISSING_TITLE),
    ]


def test_parse_communities_takes_a_country_or_a_region():
    found, problems = parse_communities(
        "Wikimedia Testland | ar\nWiki Women | International\nNo place\n"
    )

    assert found == [
        CommunityLine("Wikimedia Testland", "AR"),
        CommunityLine("Wiki Women", "international"),
    ]
    assert [(p.line, p.kind) for p in problems] == [(3, LineProblem.NO_PLACE)]


def test_every_shipped_country_has_a_region_a_name_and_a_place_on_the_map():
    english = Locale("en").territories
    for code, country in countries().items():
        assert country.region in MAP_REGIONS, code
        assert code in english, code
        assert -90 <= country.latitude <= 90, code
        assert -180 <= country.longitude <= 180, code
    assert len(countries()) > 200
    assert "international" in REGIONS


def test_a_zone_tells_the_country_and_region():
    assert (country_of_zone("America/Mexico_City"), region_of_zone("America/Mexico_City")) == (
        "MX",
        "latin-america",
    )
    assert region_of_zone("Africa/Lagos") == "africa"
    assert region_of_zone("Asia/Kolkata") == region_of_zone("Asia/Calcutta") == "south-asia"
    assert region_of_zone("Europe/Kyiv") == region_of_zone("Europe/Kiev") == "cee"
    assert region_of_zone("UTC") == region_of_zone("Etc/GMT+5") == ""


def test_pick_takes_the_readers_language_then_its_base_then_the_first():
    texts = {"en": {"title": "Hubs"}, "zh": {"title": "中心"}, "es": {"title": ""}}

    assert pick(texts, "zh-hans", "en").values == {"title": "中心"}
    assert pick(texts, "es", "en").language == "en"  # an empty text does not count
    assert pick(texts, "fr", "en").get("title") == "Hubs"
