"""The public availability poll: no account, the week in the reader's own zone as checkboxes
(no script needed), answers stored in UTC, a private link to change them, light pages."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from clinicdesk.core.middleware import ZONE_COOKIE
from clinicdesk.planning import services
from clinicdesk.planning.core.weekgrid import utc_to_cells
from clinicdesk.planning.models import PollAnswer

MAX_PAGE_BYTES = 50 * 1024


def _poll_url(program, prefix: str = "") -> str:
    return prefix + reverse("planning:poll", kwargs={"slug": program.slug})


class _Checkboxes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.boxes: list[dict[str, str | None]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "input" and values.get("type") == "checkbox":
            self.boxes.append(values)
        if "style" in values or any(name.startswith("on") for name in values):
            self.problems.append(tag)
        if tag == "script" and "src" not in values:
            self.problems.append("inline script")
        if tag == "style":
            self.problems.append("style element")


def _parse(page: str) -> _Checkboxes:
    parser = _Checkboxes()
    parser.feed(page)
    return parser


def test_poll_page_is_a_light_checkbox_grid_in_the_readers_zone(client, poll, program):
    client.cookies[ZONE_COOKIE] = "Asia/Kolkata"
    response = client.get(_poll_url(program))
    page = response.content.decode()
    assert response.status_code == 200
    parsed = _parse(page)
    assert len(parsed.boxes) == 336
    assert parsed.boxes[0]["aria-label"] == "Monday 12:00\u202fAM"
    assert parsed.boxes[-1]["aria-label"] == "Sunday 11:30\u202fPM"
    assert {b["name"] for b in parsed.boxes} == {"cells"}
    assert 'value="Asia/Kolkata"' in page  # the zone the hours are read in
    assert parsed.problems == []
    assert '<script src="/static/planning/poll.js" defer></script>' in page
    assert len(response.content) < MAX_PAGE_BYTES, len(response.content)


def test_poll_answer_is_saved_in_utc_and_gets_a_private_link(client, poll, program):
    cells = [36, 37, 38, 39]  # Monday 18:00-20:00 in Madrid
    response = client.post(_poll_url(program), {"time_zone": "Europe/Madrid", "cells": cells})
    answer = PollAnswer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/programs/wikimedia-clinics/poll/answers/{answer.token}/"
    assert utc_to_cells(answer.utc_quarters, answer.utc_offset_minutes) == frozenset(cells)
    assert answer.utc_offset_minutes in {60, 120}
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Thank you: your hours are saved. Keep this page's address to change them." in page
    checked = [b["value"] for b in _parse(page).boxes if "checked" in b]
    assert checked == ["36", "37", "38", "39"]


def test_poll_answer_without_hours_is_refused(client, poll, program):
    response = client.post(_poll_url(program), {"time_zone": "Europe/Madrid"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Mark at least one half-hour you can attend." in page
    assert PollAnswer.objects.count() == 0


def test_poll_answer_in_an_unknown_zone_keeps_the_marked_hours(client, poll, program):
    response = client.post(_poll_url(program), {"time_zone": "Mars/Base", "cells": ["40", "41"]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "“Mars/Base” is not a known time zone (for example Europe/Madrid)." in page
    checked = [b["value"] for b in _parse(page).boxes if "checked" in b]
    assert checked == ["40", "41"]


def test_poll_private_link_changes_and_deletes(client, poll, program):
    answer = services.answer_poll(
        poll=poll, time_zone="Europe/Madrid", cells=[36], today=timezone.now().date()
    )
    url = reverse("planning:answer", kwargs={"slug": program.slug, "token": answer.token})
    response = client.post(url, {"time_zone": "America/Bogota", "cells": ["20", "21"]})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.time_zone == "America/Bogota"
    assert utc_to_cells(answer.utc_quarters, answer.utc_offset_minutes) == frozenset({20, 21})
    response = client.post(url, {"withdraw": "1"})
    assert response["Location"] == _poll_url(program)
    assert PollAnswer.objects.count() == 0
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("token", ["not-a-token", "00000000-0000-0000-0000-000000000000"])
def test_poll_unknown_private_link_is_404(client, poll, program, token):
    assert client.get(f"/programs/{program.slug}/poll/answers/{token}/").status_code == 404


def test_poll_private_link_of_another_program_is_404(client, poll, program):
    answer = services.answer_poll(
        poll=poll, time_zone="Europe/Madrid", cells=[36], today=timezone.now().date()
    )
    assert client.get(f"/programs/lets-connect/poll/answers/{answer.token}/").status_code == 404


def test_poll_closed_says_so_and_takes_nothing(client, poll, program):
    services.close_poll(poll=poll, now=timezone.now())
    page = client.get(_poll_url(program)).content.decode()
    assert "This program has no open availability poll at the moment." in page
    response = client.post(_poll_url(program), {"time_zone": "Europe/Madrid", "cells": ["36"]})
    assert response.status_code == 200
    assert PollAnswer.objects.count() == 0


def test_poll_unknown_program_is_404(client, db):
    assert client.get("/programs/nope/poll/").status_code == 404


def test_poll_link_on_the_program_page_follows_the_poll(client, program):
    page_url = program.get_absolute_url()
    assert "answer the availability poll" not in client.get(page_url).content.decode()
    poll = services.open_poll(program=program, now=timezone.now())
    page = client.get(page_url).content.decode()
    assert (
        '<a href="/programs/wikimedia-clinics/poll/">Tell us when you can join: answer the '
        "availability poll</a>"
    ) in page
    services.close_poll(poll=poll, now=timezone.now())
    assert "answer the availability poll" not in client.get(page_url).content.decode()


def test_poll_page_in_spanish(client, poll, program):
    page = client.get(_poll_url(program, "/es")).content.decode()
    assert '<html lang="es"' in page
    assert "¿Cuándo puedes unirte a Wikimedia Clinics?" in page
    assert "Guardar mis horas" in page
    assert re.search(r'aria-label="lunes 0:00"', page)
