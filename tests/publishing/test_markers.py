"""The generated parts of a page between markers: pure, no database."""

import pytest

from clinicdesk.publishing.markers import (
    MarkerProblem,
    Part,
    find_parts,
    fingerprint,
    merge,
    new_page,
    read_parts,
)

UPCOMING = Part("upcoming", "* call one", heading="Upcoming calls")
ARCHIVE = Part("archive", '{| class="wikitable"\n|}', heading="Archive")

PAGE = """Intro written by hand.

== Upcoming calls ==
<!-- clinicdesk:begin upcoming -->
* old call
<!-- clinicdesk:end upcoming -->

Remember: no preparation needed.

== Archive ==
<!-- clinicdesk:begin archive -->
old table
<!-- clinicdesk:end archive -->
[[Category:Clinics]]
"""
WRITTEN = {"upcoming": fingerprint("* old call"), "archive": fingerprint("old table")}


def test_merge_new_page_is_the_parts_under_their_headings():
    result = merge(None, [UPCOMING, ARCHIVE], last_written={})
    assert result.changed
    assert result.added == ("upcoming", "archive")
    assert result.text == (
        "== Upcoming calls ==\n<!-- clinicdesk:begin upcoming -->\n* call one\n"
        "<!-- clinicdesk:end upcoming -->\n\n== Archive ==\n"
        '<!-- clinicdesk:begin archive -->\n{| class="wikitable"\n|}\n'
        "<!-- clinicdesk:end archive -->\n"
    )


def test_merge_replaces_only_between_the_markers():
    result = merge(PAGE, [UPCOMING, ARCHIVE], last_written=WRITTEN)
    assert result.changed
    assert not result.conflicts
    assert not result.added
    assert result.text == PAGE.replace("* old call", "* call one").replace(
        "old table", '{| class="wikitable"\n|}'
    )
    assert "Intro written by hand." in result.text
    assert "Remember: no preparation needed." in result.text
    assert result.text.endswith("[[Category:Clinics]]\n")


def test_merge_with_nothing_new_is_unchanged():
    result = merge(
        PAGE, [Part("upcoming", "* old call"), Part("archive", "old table")], last_written=WRITTEN
    )
    assert not result.changed
    assert result.text == PAGE


def test_merge_a_hand_edit_outside_the_markers_is_kept():
    edited = PAGE.replace("Intro written by hand.", "Intro rewritten by a volunteer.")
    result = merge(edited, [UPCOMING, ARCHIVE], last_written=WRITTEN)
    assert not result.conflicts
    assert "Intro rewritten by a volunteer." in result.text
    assert "* call one" in result.text


def test_merge_a_hand_edit_inside_the_markers_is_a_conflict_and_changes_nothing():
    edited = PAGE.replace("* old call", "* old call (moved to Thursday!)")
    result = merge(edited, [UPCOMING, ARCHIVE], last_written=WRITTEN)
    assert result.conflicts == ("upcoming",)
    assert result.found == {"upcoming": "* old call (moved to Thursday!)"}
    assert not result.changed
    assert result.text == edited


def test_merge_overwrite_replaces_a_hand_edit_when_an_organizer_decides():
    edited = PAGE.replace("* old call", "* hand edit")
    result = merge(edited, [UPCOMING, ARCHIVE], last_written=WRITTEN, overwrite=["upcoming"])
    assert not result.conflicts
    assert "* call one" in result.text
    assert "hand edit" not in result.text


def test_merge_hand_edit_equal_to_the_new_text_is_no_conflict():
    edited = PAGE.replace("* old call", "* call one")
    result = merge(edited, [UPCOMING], last_written=WRITTEN)
    assert not result.conflicts
    assert not result.changed


def test_merge_trailing_spaces_and_line_ends_do_not_count_as_edits():
    edited = PAGE.replace("* old call\n", "* old call   \r\n\n")
    result = merge(edited, [Part("upcoming", "* old call")], last_written=WRITTEN)
    assert not result.conflicts


def test_merge_first_publish_onto_markers_people_placed_takes_them_over():
    page = (
        "Text.\n<!-- clinicdesk:begin upcoming -->\nplaceholder\n<!-- clinicdesk:end upcoming -->\n"
    )
    result = merge(page, [UPCOMING], last_written={})
    assert not result.conflicts
    assert "placeholder" not in result.text
    assert "* call one" in result.text


def test_merge_adds_missing_parts_at_the_end_under_their_heading():
    page = "A page written by hand.\n[[Category:Clinics]]\n"
    result = merge(page, [UPCOMING], last_written={})
    assert result.added == ("upcoming",)
    assert result.text.startswith("A page written by hand.\n[[Category:Clinics]]\n\n")
    assert result.text.endswith(
        "== Upcoming calls ==\n<!-- clinicdesk:begin upcoming -->\n* call one\n"
        "<!-- clinicdesk:end upcoming -->\n"
    )


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ("<!-- clinicdesk:begin upcoming -->\n", "unclosed"),
        ("<!-- clinicdesk:end upcoming -->\n", "unopened"),
        (
            "<!-- clinicdesk:begin a -->\n<!-- clinicdesk:begin b -->\n"
            "<!-- clinicdesk:end b -->\n<!-- clinicdesk:end a -->",
            "nested",
        ),
        (
            "<!-- clinicdesk:begin a -->x<!-- clinicdesk:end a -->"
            "<!-- clinicdesk:begin a -->y<!-- clinicdesk:end a -->",
            "repeated",
        ),
    ],
)
def test_find_parts_refuses_broken_markers(page, problem):
    with pytest.raises(MarkerProblem) as refused:
        find_parts(page)
    assert refused.value.problem == problem


def test_read_parts_gives_each_inner_text():
    assert read_parts(PAGE) == {"upcoming": "* old call", "archive": "old table"}


def test_new_page_without_headings():
    assert new_page([Part("digest", "Text")]) == (
        "<!-- clinicdesk:begin digest -->\nText\n<!-- clinicdesk:end digest -->\n"
    )


def test_part_names_are_checked():
    with pytest.raises(ValueError, match="not a part name"):
        Part("Upcoming calls", "x")
