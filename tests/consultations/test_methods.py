"""The aggregation methods against examples worked by hand: Borda, approval and Schulze,
partial rankings, ties and how they are broken, and the Condorcet paradox."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinicdesk.consultations.methods import (
    UNRANKED,
    BallotProblem,
    Method,
    TieRule,
    ballot_matrix,
    ballot_matrix_from_flat,
    check_ranking,
    combine,
    pairwise,
    strongest_paths,
    tally,
)

A, B, C, D, E = range(5)


def ballots(*groups: tuple[int, list[int]], width: int) -> np.ndarray:
    return ballot_matrix([ranking for count, ranking in groups for _ in range(count)], width)


def order(outcome) -> str:
    return "".join("ABCDE"[s.option] for s in outcome.standings)


def test_ballot_matrix_pads_short_rankings_and_cuts_long_ones():
    matrix = ballot_matrix([[2, 0], [1], [0, 1, 2, 3]], 3)

    assert matrix.tolist() == [[2, 0, UNRANKED], [1, UNRANKED, UNRANKED], [0, 1, 2]]


def test_borda_counts_width_points_for_a_first_choice_down_to_one():
    # Width 3: first 3 points, second 2, third 1, unranked 0.
    matrix = ballots((2, [A, B, C]), (1, [C, A]), (1, [B]), width=3)

    counts = tally(matrix, 4)

    # A: 3+3+2 = 8; B: 2+2+3 = 7; C: 1+1+3 = 5; D: 0.
    assert counts.borda.tolist() == [8, 7, 5, 0]
    assert counts.first_choices.tolist() == [2, 1, 1, 0]
    assert counts.approvals.tolist() == [3, 3, 3, 0]


def test_borda_outcome_orders_by_points_with_ranks():
    matrix = ballots((2, [A, B, C]), (1, [C, A]), (1, [B]), width=3)

    outcome = combine(matrix, 4, Method.BORDA)

    assert order(outcome) == "ABCD"
    assert [(s.rank, s.score) for s in outcome.standings] == [(1, 8), (2, 7), (3, 5), (4, 0)]
    assert outcome.ties == []


def test_approval_counts_ballots_ranking_an_option_anywhere():
    matrix = ballots((3, [C, A]), (2, [B, C]), (1, [D]), width=2)

    outcome = combine(matrix, 4, "approval")

    # C on 5 ballots, A on 3, B on 2, D on 1.
    assert order(outcome) == "CABD"
    assert [s.score for s in outcome.standings] == [5, 3, 2, 1]


def test_pairwise_counts_ranked_above_unranked_and_ignores_two_unranked():
    # Ballot 1: A > B (C unranked); ballot 2: C (A, B unranked).
    matrix = ballot_matrix([[A, B], [C]], 2)

    d = pairwise(matrix, 3)

    assert d.tolist() == [
        [0, 1, 1],  # A over B on ballot 1; A over C on ballot 1 (C unranked there)
        [0, 0, 1],  # B over C on ballot 1
        [1, 1, 0],  # C over A and B on ballot 2
    ]


def test_schulze_reproduces_the_textbook_example():
    """The 45-voter example of Schulze's paper (and Wikipedia): E > A > C > B > D."""
    matrix = ballots(
        (5, [A, C, B, E, D]),
        (5, [A, D, E, C, B]),
        (8, [B, E, D, A, C]),
        (3, [C, A, B, E, D]),
        (7, [C, A, E, B, D]),
        (2, [C, B, A, D, E]),
        (7, [D, C, E, B, A]),
        (8, [E, B, A, D, C]),
        width=5,
    )

    outcome = combine(matrix, 5, Method.SCHULZE)

    assert outcome.pairwise is not None
    assert outcome.strongest is not None
    assert outcome.pairwise[A].tolist() == [0, 20, 26, 30, 22]
    assert outcome.pairwise[E].tolist() == [23, 27, 21, 31, 0]
    assert outcome.strongest.tolist() == [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]
    assert order(outcome) == "EACBD"
    assert [s.score for s in outcome.standings] == [4, 3, 2, 1, 0]


def test_condorcet_paradox_is_a_three_way_tie_under_every_method():
    """A > B > C, B > C > A, C > A > B: each pair is won 2 to 1 around a cycle."""
    matrix = ballots((1, [A, B, C]), (1, [B, C, A]), (1, [C, A, B]), width=3)

    for method in Method:
        outcome = combine(matrix, 3, method)
        assert [s.rank for s in outcome.standings] == [1, 1, 1], method
        assert len(outcome.ties) == 1
        assert outcome.ties[0].options == (A, B, C)
        assert outcome.ties[0].rules == (TieRule.UNBROKEN, TieRule.UNBROKEN)

    d = pairwise(matrix, 3)
    assert (d[A, B], d[B, C], d[C, A]) == (2, 2, 2)
    assert (d[B, A], d[C, B], d[A, C]) == (1, 1, 1)


def test_schulze_resolves_a_weighted_condorcet_cycle():
    """4 x A>B>C, 3 x B>C>A, 2 x C>A>B: A beats B 6-3, B beats C 7-2, C beats A 5-4.

    Strongest paths: A→B 6, A→C min(6,7)=6; B→C 7, B→A min(7,5)=5; C→A 5, C→B min(5,6)=5.
    A beats B (6 > 5) and C (6 > 5); B beats C (7 > 5): A > B > C.
    """
    matrix = ballots((4, [A, B, C]), (3, [B, C, A]), (2, [C, A, B]), width=3)

    outcome = combine(matrix, 3, Method.SCHULZE)

    assert outcome.strongest is not None
    assert outcome.strongest.tolist() == [[0, 6, 6], [5, 0, 7], [5, 5, 0]]
    assert order(outcome) == "ABC"
    # Borda on the same ballots: A 4*3+3*1+2*2 = 19, B 4*2+3*3+2*1 = 19, C 4+6+6 = 16;
    # A and B tie on points and A has more first choices (4 against 3).
    borda = combine(matrix, 3, Method.BORDA)
    assert [s.score for s in borda.standings] == [19, 19, 16]
    assert borda.ties[0].options == (A, B)
    assert borda.ties[0].rules == (TieRule.FIRST_CHOICES,)
    assert [s.rank for s in borda.standings] == [1, 2, 3]


def test_first_choices_break_a_tie_on_points():
    # Width 2. A: 2 + 1 + 1 = 4 points, 1 first choice; B: 2 + 2 = 4 points, 2 first choices;
    # C: 2 + 1 = 3 and D: 1 + 2 = 3.
    matrix = ballot_matrix([[A, D], [C, A], [D, A], [B, C], [B]], 2)

    outcome = combine(matrix, 4, Method.BORDA)

    tie = next(t for t in outcome.ties if A in t.options)
    assert tie.options == (B, A)
    assert tie.rules == (TieRule.FIRST_CHOICES,)


def test_options_equal_on_every_rule_share_a_rank():
    # Width 3. A: 3 + 1 + 2 = 6 on 3 ballots, 1 first; B the same; E: 3 + 3 = 6 on 2 ballots,
    # 2 firsts. C: 2 + 3 + 1 + 2 = 8 and D: 1 + 2 + 2 + 3 = 8, one first and 4 ballots each.
    matrix = ballot_matrix([[A, C, D], [C, D, A], [B, D, C], [D, C, B], [E, A], [E, B]], 3)

    outcome = combine(matrix, 5, Method.BORDA)

    assert [t.options for t in outcome.ties] == [(C, D), (E, A, B)]
    assert [t.rules for t in outcome.ties] == [
        (TieRule.UNBROKEN,),
        (TieRule.FIRST_CHOICES, TieRule.UNBROKEN),
    ]
    ranks = {"ABCDE"[s.option]: s.rank for s in outcome.standings}
    assert ranks == {"C": 1, "D": 1, "E": 3, "A": 4, "B": 4}


def test_approvals_break_a_tie_left_by_first_choices():
    # Width 3. A: 3 (first) + 1 + 1 = 5 on 3 ballots; B: 3 (first) + 2 = 5 on 2 ballots.
    matrix = ballot_matrix([[A, C, D], [C, D, A], [D, C, A], [B, C], [C, B]], 3)
    counts = tally(matrix, 4)
    assert counts.borda[A] == counts.borda[B] == 5
    assert counts.first_choices[A] == counts.first_choices[B] == 1

    outcome = combine(matrix, 4, Method.BORDA)

    tie = next(t for t in outcome.ties if A in t.options)
    assert tie.options == (A, B)
    assert tie.rules == (TieRule.APPROVALS,)
    ranks = {s.option: s.rank for s in outcome.standings}
    assert ranks[A] + 1 == ranks[B]


def test_no_ballots_gives_everyone_rank_one_and_zero():
    outcome = combine(ballot_matrix([], 3), 4, Method.SCHULZE)

    assert [s.rank for s in outcome.standings] == [1, 1, 1, 1]
    assert [s.score for s in outcome.standings] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("choices", "problem"),
    [
        ([], BallotProblem.EMPTY),
        ([1, 99], BallotProblem.UNKNOWN),
        ([1, 2, 1], BallotProblem.DUPLICATE),
        ([1, 2, 3, 4], BallotProblem.TOO_MANY),
    ],
)
def test_check_ranking_names_the_problem(choices, problem):
    found = check_ranking(choices, {1, 2, 3, 4}, 3)

    assert found is not None
    assert found.kind == problem


def test_check_ranking_accepts_a_valid_ranking_and_names_the_bad_choice():
    assert check_ranking([3, 1], {1, 2, 3}, 3) is None
    assert check_ranking([3, 7], {1, 2, 3}, 3).option == 7
    assert check_ranking([3, 3], {1, 2, 3}, 3).option == 3


rankings = st.lists(
    st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True), min_size=0, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(rankings)
def test_pairwise_matches_a_ballot_by_ballot_count(rows):
    matrix = ballot_matrix(rows, 4)
    expected = np.zeros((6, 6), dtype=int)
    for ranking in rows:
        place = {option: n for n, option in enumerate(ranking)}
        for i in range(6):
            for j in range(6):
                if i != j and i in place and (j not in place or place[i] < place[j]):
                    expected[i, j] += 1

    assert pairwise(matrix, 6).tolist() == expected.tolist()


@settings(max_examples=60, deadline=None)
@given(rankings)
def test_schulze_order_is_consistent_with_strongest_paths(rows):
    matrix = ballot_matrix(rows, 4)
    outcome = combine(matrix, 6, Method.SCHULZE)
    p = strongest_paths(pairwise(matrix, 6))
    ranks = {s.option: s.rank for s in outcome.standings}

    for i in range(6):
        for j in range(6):
            if p[i, j] > p[j, i]:
                assert ranks[i] < ranks[j]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(-1, 6), min_size=0, max_size=7), max_size=30),
    st.integers(1, 5),
)
def test_ballot_matrix_from_flat_matches_the_row_by_row_build(rows, width):
    values = np.array([v for row in rows for v in row], dtype=np.int64)
    lengths = np.array([len(row) for row in rows], dtype=np.int64)

    built = ballot_matrix_from_flat(values, lengths, width)

    expected = ballot_matrix([[v for v in row if v >= 0] for row in rows], width)
    assert built.tolist() == expected.tolist()
