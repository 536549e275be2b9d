"""Results in words, as wikitext and as plain text: pure, no database."""

from __future__ import annotations

import numpy as np

from clinicdesk.consultations.methods import ballot_matrix
from clinicdesk.consultations.renderers import (
    ResultsDocument,
    render_text,
    render_wikitext,
    wiki_escape,
)
from clinicdesk.consultations.results import Option, build_results
from clinicdesk.consultations.resultstext import explain_tie, method_explanation

OPTIONS = [
    Option("1.1", "Awareness [[evil]] {{template}}", "R1"),
    Option("1.2", "Advocacy", "R1"),
    Option("2.1", "Onboarding", "R2"),
    Option("2.2", "Mentorship", "R2"),
]


def _results(rows, method="borda", groupings=None, width=2):
    return build_results(
        ballot_matrix(rows, width), OPTIONS, method, threshold=5, groupings=groupings
    )


def _doc(results, **changes):
    values = {
        "title": "Priorities | 2031",
        "question": "Which matter most?",
        "results": results,
        "page_url": "https://clinics.example.org/results/",
        "data_url": "https://clinics.example.org/data/",
        "closes_text": "Ranking closed on Sunday, 22 November 2020, 23:59 (UTC).",
        "group_names": {"region": {"africa": "Sub-Saharan Africa", "other": "Other regions"}},
        "dimension_names": {"region": "By region"},
    }
    values.update(changes)
    return ResultsDocument(**values)


def test_wiki_escape_keeps_text_from_becoming_markup():
    assert wiki_escape("[[Link]] {{T}} a|b x=y <ref>") == (
        "&#91;&#91;Link&#93;&#93; &#123;&#123;T&#125;&#125; a&#124;b x&#61;y &lt;ref&gt;"
    )
    assert wiki_escape("''bold'' ~~~~ __TOC__") == (
        "&#39;&#39;bold&#39;&#39; &#126;&#126;&#126;&#126; &#95;&#95;TOC&#95;&#95;"
    )
    assert wiki_escape("* not a list") == "&#42; not a list"
    assert wiki_escape("Results: fine; plain") == "Results: fine; plain"
    assert wiki_escape("two\nlines") == "two lines"


def test_wikitext_has_the_table_ties_breakdowns_and_links():
    rows = [[0, 1]] * 6 + [[1, 0]] * 6 + [[2]] * 2
    regions = np.array(["africa"] * 7 + ["cee"] * 3 + ["mena"] * 4)

    text = render_wikitext(_doc(_results(rows, groupings={"region": regions})))

    assert text.startswith("== Results: Priorities &#124; 2031 ==\n''Which matter most?''\n")
    assert "14 ballots, combined by the Borda count." in text
    assert (
        '{| class="wikitable sortable"\n'
        "! Rank !! Code !! Initiative !! Points !! First choices !! Ranked by\n" in text
    )
    assert (
        "| 1 || 1.1 || Awareness &#91;&#91;evil&#93;&#93; &#123;&#123;template&#125;&#125; "
        "|| 18 || 6 || 12" in text
    )
    assert "| 3 || 2.1 || Onboarding || fewer than 5 || fewer than 5 || fewer than 5" in text
    assert "* 1.1 and 1.2 have the same score (18)." in text
    assert "=== By region ===" in text
    assert "! Initiative !! Sub-Saharan Africa (7 ballots) !! Other regions (7 ballots)" in text
    assert (
        "[https://clinics.example.org/data/ Raw data (CSV and JSON) with its data dictionary]"
        in text
    )
    assert "{{" not in text.replace('{| class="wikitable sortable"', "")


def test_text_for_an_email_lists_the_top_and_where_the_rest_is():
    text = render_text(_doc(_results([[1, 0]] * 6 + [[0]] * 5), top_in_text=2))

    lines = text.splitlines()
    assert lines[0] == "Results: Priorities | 2031"
    assert "The first 2:" in lines
    # 1.1: 6 second choices and 5 first ones, 6 + 10 = 16 points; 1.2: 6 first choices, 12.
    assert "  1. 1.1 Awareness [[evil]] {{template}} (16 points)" in lines
    assert "  2. 1.2 Advocacy (12 points)" in lines
    assert "https://clinics.example.org/results/" in lines
    assert all(len(line) <= 72 for line in lines if not line.startswith("http"))


def test_nothing_is_rendered_from_too_few_ballots():
    results = _results([[0]] * 4)

    assert "Fewer than 5 ballots were cast: no results are published." in render_wikitext(
        _doc(results)
    )
    assert "Awareness" not in render_text(_doc(results))


def test_explain_a_tie_no_rule_breaks():
    # Width 2: each initiative is first on 5 ballots and second on 5: 15 points, 10 ballots.
    rows = [[0, 1]] * 5 + [[1, 2]] * 5 + [[2, 0]] * 5
    results = build_results(ballot_matrix(rows, 2), OPTIONS, "borda", threshold=5)

    assert [explain_tie(note) for note in results.ties] == [
        "1.1, 1.2 and 2.1 have the same score (15). 1.1, 1.2 and 2.1 are still equal after "
        "every rule: they share rank 1."
    ]


def test_explain_a_tie_broken_by_first_choices_then_left_equal():
    # Width 2. 1.1 and 2.1: 5 x 2 + 5 x 1 = 15, 5 first choices, 10 ballots each.
    # 1.2: 6 x 2 + 3 x 1 = 15, 6 first choices. 2.2: 3 x 2 = 6 on 3 ballots.
    rows = [[0, 2]] * 5 + [[2, 0]] * 5 + [[1]] * 6 + [[3, 1]] * 3
    results = build_results(ballot_matrix(rows, 2), OPTIONS, "borda", threshold=5)

    assert [explain_tie(note) for note in results.ties] == [
        "1.2, 1.1 and 2.1 have the same score (15). 1.2 comes before 1.1: more people ranked "
        "it first (6 against 5). 1.1 and 2.1 are still equal after every rule: they share "
        "rank 2."
    ]


def test_explain_a_tie_broken_by_the_number_of_people_who_ranked():
    # Width 3. 1.1: 5 firsts (15) and one second (2) = 17 on 6 ballots.
    #          1.2: 5 firsts (15) and two thirds (2) = 17 on 7 ballots.
    rows = [[0]] * 5 + [[3, 0]] * 1 + [[1]] * 5 + [[3, 2, 1]] * 2
    results = build_results(ballot_matrix(rows, 3), OPTIONS, "borda", threshold=5)

    tie = next(note for note in results.ties if note.score == 17)
    assert explain_tie(tie) == (
        "1.2 and 1.1 have the same score (17). 1.2 comes before 1.1: as many people ranked "
        "each first, and more people ranked it at all (7 against 6)."
    )


def test_explain_a_tie_leaves_out_suppressed_figures():
    # Approval: 1.1 and 1.2 on 3 ballots each (fewer than 5): the words give no figure.
    rows = [[0]] * 2 + [[0, 1]] * 1 + [[1]] * 2 + [[2]] * 6
    results = build_results(ballot_matrix(rows, 2), OPTIONS, "approval", threshold=5)

    tie = next(note for note in results.ties if "1.1" in [o.code for o in note.options])
    assert explain_tie(tie) == (
        "1.1 and 1.2 have the same score. 1.1 comes before 1.2: more people ranked it first."
    )


def test_method_explanations_name_their_rule():
    assert "a first choice earns 5 points, a second one point less" in method_explanation(
        "borda", 5
    )
    assert "counts the people who ranked it" in method_explanation("approval", 5)
    assert "strongest chain" in method_explanation("schulze", 5)
