"""A session's agenda: segments in order and the open time around them. Pure, no database."""

from __future__ import annotations

from clinicdesk.scheduling.agenda import AgendaItem, build_agenda


def _open(start: int, end: int) -> AgendaItem:
    return AgendaItem(start, end, is_open_time=True)


def test_agenda_without_segments_is_all_open_time():
    assert build_agenda(90, []) == [_open(0, 90)]


def test_agenda_open_time_before_a_segment_and_after_it():
    agenda = build_agenda(90, [(15, 30, "Abstract Wikipedia", "Denny Vrandečić")])
    assert agenda == [
        _open(0, 15),
        AgendaItem(15, 45, "Abstract Wikipedia", "Denny Vrandečić"),
        _open(45, 90),
    ]


def test_agenda_open_time_between_segments_given_out_of_order():
    agenda = build_agenda(90, [(40, 20, "Second", ""), (0, 20, "First", "Quim")])
    assert agenda == [
        AgendaItem(0, 20, "First", "Quim"),
        _open(20, 40),
        AgendaItem(40, 60, "Second", ""),
        _open(60, 90),
    ]


def test_agenda_segments_filling_the_session_leave_no_open_time():
    assert build_agenda(60, [(0, 30, "A", ""), (30, 30, "B", "")]) == [
        AgendaItem(0, 30, "A", ""),
        AgendaItem(30, 60, "B", ""),
    ]


def test_agenda_overlapping_segments_have_no_open_time_between():
    agenda = build_agenda(90, [(0, 40, "Long", ""), (30, 20, "Overlap", "")])
    assert agenda == [
        AgendaItem(0, 40, "Long", ""),
        AgendaItem(30, 50, "Overlap", ""),
        _open(50, 90),
    ]


def test_agenda_segment_inside_another_does_not_reopen_time():
    agenda = build_agenda(90, [(0, 60, "Outer", ""), (10, 10, "Inner", "")])
    assert agenda == [
        AgendaItem(0, 60, "Outer", ""),
        AgendaItem(10, 20, "Inner", ""),
        _open(60, 90),
    ]
