"""Small counts are suppressed in every breakdown and in the raw data's groupings."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicdesk.consultations.methods import ballot_matrix
from clinicdesk.consultations.privacy import (
    OTHER,
    WITHHELD,
    generalize,
    pool_groups,
    published_sizes,
    shown,
)
from clinicdesk.consultations.results import Option, build_results

OPTIONS = [Option("1.1", "Awareness"), Option("1.2", "Advocacy"), Option("2.1", "Onboarding")]


def test_shown_hides_one_to_threshold_minus_one_and_keeps_zero():
    assert [shown(n, 5) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]


def test_pool_groups_keeps_large_groups_and_pools_small_ones():
    assert pool_groups({"africa": 9, "mena": 3, "cee": 2}, 5) == {
        "africa": "africa",
        "mena": OTHER,
        "cee": OTHER,
    }


def test_pool_groups_withholds_a_pool_still_too_small_or_of_one_group():
    assert pool_groups({"africa": 9, "mena": 2, "cee": 2}, 5)["mena"] == WITHHELD
    # One small group alone would be published under another name: withheld.
    assert pool_groups({"africa": 9, "mena": 4}, 3)["mena"] == "mena"
    assert pool_groups({"africa": 9, "mena": 2}, 3)["mena"] == WITHHELD


def test_generalize_drops_the_language_of_a_rare_combination_first():
    cells = {("africa", "fr"): 6, ("africa", "en"): 3, ("cee", "en"): 7, ("cee", "fr"): 2}

    mapping = generalize(cells, 5)

    assert mapping[("africa", "fr")] == ("africa", "fr")
    assert mapping[("cee", "en")] == ("cee", "en")
    # (africa, en) 3 and (cee, fr) 2 are too small: they lose their language; as (africa,
    # other) and (cee, other) they are still too small and lose their region; together, as
    # (other, other), they hold 5.
    assert mapping[("africa", "en")] == (OTHER, OTHER)
    assert mapping[("cee", "fr")] == (OTHER, OTHER)
    assert published_sizes(cells, mapping) == {
        ("africa", "fr"): 6,
        ("cee", "en"): 7,
        (OTHER, OTHER): 5,
    }


def test_generalize_withholds_what_still_stands_out():
    cells = {("africa", "fr"): 9, ("cee", "ru"): 2}

    mapping = generalize(cells, 5)

    assert mapping[("cee", "ru")] == (WITHHELD, WITHHELD)


cells_strategy = st.dictionaries(
    st.tuples(st.sampled_from("abcdef"), st.sampled_from("xyz")),
    st.integers(1, 30),
    max_size=18,
)


@settings(max_examples=200, deadline=None)
@given(cells_strategy, st.integers(2, 10))
def test_every_published_grouping_holds_at_least_threshold_ballots(cells, threshold):
    mapping = generalize(cells, threshold)

    sizes = published_sizes(cells, mapping)

    for published, size in sizes.items():
        if published != (WITHHELD, WITHHELD):
            assert size >= threshold, (published, size)
    # Every ballot is published somewhere, none twice.
    assert sum(sizes.values()) == sum(cells.values())
    # A published value is the original, "other" or "withheld": never another group's.
    for cell, published in mapping.items():
        for original, value in zip(cell, published, strict=True):
            assert value in (original, OTHER, WITHHELD)


def _matrix(rows: int) -> np.ndarray:
    return ballot_matrix([[0, 1]] * rows, 2)


def test_results_show_nothing_from_fewer_ballots_than_the_threshold():
    results = build_results(_matrix(4), OPTIONS, "borda", threshold=5)

    assert results.enough is False
    assert results.rows == []


def test_results_suppress_every_figure_resting_on_too_few_ballots():
    matrix = ballot_matrix([[0, 1]] * 6 + [[2]] * 2, 2)

    results = build_results(matrix, OPTIONS, "borda", threshold=5)

    by_code = {row.code: row for row in results.rows}
    assert (by_code["1.1"].score, by_code["1.1"].first_choices, by_code["1.1"].approvals) == (
        12,
        6,
        6,
    )
    # 1.2: ranked by 6, never first: zero is shown.
    assert (by_code["1.2"].first_choices, by_code["1.2"].approvals) == (0, 6)
    # 2.1: ranked by 2 people: its score and counts are not shown, only its place.
    assert (by_code["2.1"].score, by_code["2.1"].first_choices, by_code["2.1"].approvals) == (
        None,
        None,
        None,
    )
    assert by_code["2.1"].rank == 3


def test_breakdowns_show_groups_of_enough_ballots_and_pool_or_withhold_the_rest():
    matrix = ballot_matrix([[0, 1]] * 8 + [[1, 0]] * 6 + [[2]] * 4, 2)
    regions = np.array(["africa"] * 8 + ["cee"] * 3 + ["mena"] * 3 + ["lac"] * 4)
    languages = np.array(["en"] * 14 + ["fr"] * 4)

    results = build_results(
        matrix, OPTIONS, "borda", threshold=5, groupings={"region": regions, "language": languages}
    )

    by_region, by_language = results.breakdowns
    assert [(g.key, g.ballots) for g in by_region.groups] == [("africa", 8), (OTHER, 10)]
    assert by_region.withheld is False
    assert [(g.key, g.ballots) for g in by_language.groups] == [("en", 14)]
    assert by_language.withheld is True
    # Inside a shown group, a figure on fewer than 5 ballots is suppressed too.
    pooled = {row.code: row for row in by_region.groups[1].rows}
    assert pooled["2.1"].approvals is None
    assert pooled["1.2"].approvals == 6
    assert pooled["1.2"].first_choices == 6


def test_tie_notes_drop_suppressed_figures():
    matrix = ballot_matrix([[0]] * 3 + [[1]] * 3 + [[2]] * 6, 1)

    results = build_results(matrix, OPTIONS, "approval", threshold=5)

    note = results.ties[0]
    assert [o.code for o in note.options] == ["1.1", "1.2"]
    assert note.score is None
    assert [o.first_choices for o in note.options] == [None, None]
