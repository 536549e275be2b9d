"""A session's agenda as plain data: its scheduled segments and the open time around them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AgendaItem:
    start_offset: int  # minutes after the session's start
    end_offset: int
    title: str = ""
    presenter: str = ""
    is_open_time: bool = False


def build_agenda(
    duration_minutes: int, segments: list[tuple[int, int, str, str]]
) -> list[AgendaItem]:
    """Segments as ``(start_offset, duration, title, presenter)``, in order, with each stretch
    of the session that no segment covers given back as open time."""
    items: list[AgendaItem] = []
    cursor = 0
    for start, length, title, presenter in sorted(segments, key=lambda s: (s[0], s[1])):
        if start > cursor:
            items.append(AgendaItem(cursor, start, is_open_time=True))
        items.append(AgendaItem(start, start + length, title, presenter))
        cursor = max(cursor, start + length)
    if cursor < duration_minutes:
        items.append(AgendaItem(cursor, duration_minutes, is_open_time=True))
    return items
