"""The organizer's planner and poll pages: who may use them, running a plan from each source,
bad input answered with what binds, the comparison with the current rotation, the heatmap,
and applying the plan."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from clinicdesk.planning import services
from clinicdesk.planning.core import Slot
from clinicdesk.planning.display import in_zone
from clinicdesk.scheduling.models import ClinicSession
from tests.planning.conftest import EVENINGS


def _url(name: str, program) -> str:
    return reverse(f"planning:{name}", kwargs={"slug": program.slug})


def _inputs(**changes: Any) -> dict[str, Any]:
    data = {
        "source": "hubs",
        "hubs": "40 % America/Mexico_City\n35 % Europe/Madrid\n25 % Asia/Kolkata",
        "k": "2",
        "start": (timezone.now().date() + dt.timedelta(days=1)).isoformat(),
        "weeks": "8",
        "duration": "90",
        "acceptable_start": "08:00",
        "acceptable_end": "22:00",
        "comfortable_start": "09:00",
        "comfortable_end": "20:00",
        "weekdays": [str(d) for d in range(7)],
        "staff": "",
        "min_staff": "2",
        "anchor_zone": "UTC",
        "run": "1",
    }
    data.update(changes)
    return data


def _errors(page: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", e))
        for e in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    ]


# --- Who may ----------------------------------------------------------------------------------


def _apply_data():
    return {"slots": "Monday 16:00 UTC", "start": "2030-01-13", "weeks": "2"}


REQUESTS = [
    ("get", "planner", None),
    ("post", "planner", _inputs()),
    ("get", "planner-heatmap", None),
    ("post", "planner-apply", _apply_data()),
    ("get", "poll-manage", None),
    ("post", "poll-manage", {"action": "open"}),
]


@pytest.mark.parametrize(("method", "name", "data"), REQUESTS)
def test_manage_planner_pages_are_for_the_programs_organizers(
    client, program, owner, member, outsider, method, name, data
):
    url = _url(name, program)
    if name == "planner-heatmap":
        url += "?" + urlencode(_inputs(), doseq=True)
    send = getattr(client, method)
    anonymous = send(url, data) if data else send(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    for user in (member, outsider):
        client.force_login(user)
        response = send(url, data) if data else send(url)
        assert response.status_code == 403, (user, name)
    client.force_login(owner)
    response = send(url, data) if data else send(url)
    assert response.status_code in {200, 302}, name


def test_manage_planner_missing_program_is_404(client, owner):
    client.force_login(owner)
    assert client.get("/manage/programs/nope/planner/").status_code == 404


# --- Running a plan -----------------------------------------------------------------------------


def test_manage_planner_form_starts_from_saved_settings(client, owner, program, settings_saved):
    client.force_login(owner)
    page = client.get(_url("planner", program)).content.decode()
    assert "40 % America/Mexico_City" in page
    assert "Europe/Madrid 08:00-21:00 Mon-Fri" in page
    assert 'value="hubs" required id="id_source_1" checked' in page
    assert "Declared spread of hubs (3)" in page
    assert "Availability poll answers (0)" in page


def test_manage_planner_runs_on_declared_hubs_and_compares(client, owner, program, seed_rotation):
    client.force_login(owner)
    response = client.post(_url("planner", program), _inputs())
    page = response.content.decode()
    assert response.status_code == 200
    plan = response.context["plan"]
    assert (plan.k, plan.method, plan.proven_optimal) == (2, "exact", True)
    assert plan.min_region_share == 1.0
    assert "Proven the best rotation of 2 weekly slots for these inputs (exact search)." in page
    # The seeds' rotation, shown in its own zone, on the same data.
    assert "Current rotation: Monday 5:30\u202fPM (UTC); Wednesday 8:00\u202fAM (UTC)" in page
    current = response.context["current"]
    assert current.method == "given"
    assert [r.region for r in current.regions] == ["America", "Europe", "Asia"]
    # Each proposed slot in every region's main zone, naming the zone.
    assert "America: " in page
    assert "(UTC-6, Mexico City)" in page
    assert "(UTC+5:30, Kolkata)" in page
    assert '<img src="/manage/programs/wikimedia-clinics/planner/heatmap.svg?' in page
    assert 'name="slots" value="' in page


def test_manage_planner_saves_what_it_ran_with(client, owner, program):
    client.force_login(owner)
    client.post(
        _url("planner", program),
        _inputs(staff="Europe/Madrid 08:00-21:00 Mon-Fri\nEurope/Berlin 08:00-20:00"),
    )
    settings = program.planner_settings
    assert [h["zone"] for h in settings.hubs] == [
        "America/Mexico_City",
        "Europe/Madrid",
        "Asia/Kolkata",
    ]
    assert [s["zone"] for s in settings.staff] == ["Europe/Madrid", "Europe/Berlin"]


def test_manage_planner_runs_on_the_poll(client, owner, program, answered_poll):
    client.force_login(owner)
    response = client.post(_url("planner", program), _inputs(source="poll", k="1"))
    assert response.status_code == 200
    assert response.context["run"].community.size == 3
    assert "Planned for 3 entries of the chosen community source." in response.content.decode()


def test_manage_planner_runs_on_the_community_cities(client, owner, program):
    client.force_login(owner)
    response = client.post(_url("planner", program), _inputs(source="cities", k="3"))
    assert response.status_code == 200
    assert response.context["run"].community.size == 4


def test_manage_planner_local_search_reports_its_distance(client, owner, program):
    client.force_login(owner)
    response = client.post(_url("planner", program), _inputs(k="4"))
    plan = response.context["plan"]
    assert (plan.method, plan.proven_optimal) == ("local-search", False)
    assert (
        "Found by local search: the region served least could reach at most"
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"hubs": "30 % America/Mexico_City, 20 % Africa/Lagos, 40 % Asia/Kolkata"},
            "The shares add up to 90 %, not 100 %: adjust them so that they total 100 %.",
        ),
        (
            {"hubs": "50 % America/Mexico_City, 50 % Mars/Olympus"},
            "“Mars/Olympus”: not a known IANA time zone (for example Europe/Madrid), in the "
            "spread of hubs.",
        ),
        (
            {"staff": "Mars/Base 09:00-17:00"},
            "Line 1 (“Mars/Base 09:00-17:00”): “Mars/Base” is not a known time zone (for "
            "example Europe/Madrid).",
        ),
        (
            {"staff": "Europe/Madrid 09:00-12:00\nAmerica/Mexico_City 09:00-12:00"},
            "No candidate slot has 2 staff members within their working hours on every date of the "
            "horizon: at most 1 work at the same time",
        ),
        (
            {"staff": "Europe/Madrid 09:00-11:00 Mon\nEurope/Paris 09:00-11:00 Mon", "k": "3"},
            "The rotation asks for 3 weekly slots but only 2 candidate slots have 2 staff members "
            "within their working hours on every date: the staff's hours are the binding "
            "constraint.",
        ),
        ({"start": "2020-01-06"}, "which is in the past"),
        ({"source": "poll"}, "The availability poll has no answers yet."),
        ({"hubs": ""}, "Give the spread of hubs to plan for."),
        ({"k": "9"}, "Ensure this value is less than or equal to 8."),
        ({"acceptable_end": "06:00"}, "The acceptable hours must end after they start."),
    ],
)
def test_manage_planner_bad_input_says_what_binds(client, owner, program, changes, message):
    client.force_login(owner)
    response = client.post(_url("planner", program), _inputs(**changes))
    page = response.content.decode()
    assert response.status_code == 400
    assert "The planner could not run: please correct what is marked below." in page
    assert any(message in error for error in _errors(page)), _errors(page)
    assert "plan" not in response.context


# --- The heatmap --------------------------------------------------------------------------------


def test_manage_planner_heatmap_is_svg_readable_without_colour(
    client, owner, program, seed_rotation
):
    client.force_login(owner)
    page = client.post(_url("planner", program), _inputs()).content.decode()
    url = re.search(r'<img src="([^"]+)"', page)[1].replace("&amp;", "&")
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Encoding"] == "gzip"
    svg = gzip.decompress(response.content).decode()
    assert svg.startswith('<?xml version="1.0" encoding="utf-8"')
    assert "►1" in svg
    assert "►2" in svg
    assert "◇" in svg
    assert ">100<" in svg or ">100 ►" in svg  # percentages written in the cells
    assert "Share of the community served (%)" in svg
    plain = client.get(url)
    assert plain.content.startswith(b"<?xml")


def test_manage_planner_heatmap_with_bad_inputs_is_400(client, owner, program):
    client.force_login(owner)
    response = client.get(_url("planner-heatmap", program) + "?k=0")
    assert response.status_code == 400


# --- Applying -----------------------------------------------------------------------------------


def test_manage_planner_apply_sets_rotation_and_schedules(client, owner, program, seed_rotation):
    client.force_login(owner)
    page = client.post(_url("planner", program), _inputs(weeks="4")).content.decode()
    fields = dict(
        re.findall(r'<input type="hidden" name="(slots|start|weeks)" value="([^"]*)"', page)
    )
    slots = fields["slots"].replace("&#x27;", "'")

    response = client.post(_url("planner-apply", program), {**fields, "slots": slots})

    assert response.status_code == 302
    assert response["Location"] == "/manage/programs/wikimedia-clinics/#upcoming"
    rotation = [
        (r.weekday, r.local_time.strftime("%H:%M"), r.time_zone) for r in program.rotation.all()
    ]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    assert [f"{days[d]} {t} {z}" for d, t, z in rotation] == slots.splitlines()
    sessions = list(ClinicSession.objects.filter(program=program).order_by("number"))
    assert sessions, "the horizon's calls are scheduled"
    assert {s.time_zone for s in sessions} == {"UTC"}
    follow = client.get(response["Location"])
    assert "Set the rotation (2 weekly slots) and scheduled" in follow.content.decode()


def test_manage_planner_apply_refuses_bad_slots(client, owner, program):
    client.force_login(owner)
    response = client.post(
        _url("planner-apply", program),
        {"slots": "Someday 25:00 UTC", "start": "2030-01-13", "weeks": "4"},
    )
    assert response.status_code == 302
    assert program.rotation.count() == 0
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Slot 1 (“Someday 25:00 UTC”): “Someday” is not a weekday."]


# --- The poll's page for organizers -------------------------------------------------------------


def test_manage_poll_open_close_new(client, owner, program):
    client.force_login(owner)
    url = _url("poll-manage", program)
    assert "This program has no availability poll yet." in client.get(url).content.decode()
    client.post(url, {"action": "open"})
    page = client.get(url).content.decode()
    assert "Open for answers" in page
    assert "http://testserver/programs/wikimedia-clinics/poll/" in page
    client.post(url, {"action": "close"})
    assert "<strong>Closed</strong>" in client.get(url).content.decode()
    client.post(url, {"action": "new"})
    assert program.availability_polls.count() == 2


def _answers(poll, count: int) -> None:
    zones = ["Europe/Madrid", "Asia/Kolkata", "America/Bogota"]
    for i in range(count):
        services.answer_poll(
            poll=poll, time_zone=zones[i % 3], cells=EVENINGS, today=timezone.now().date()
        )


@pytest.mark.parametrize("name", ["poll-manage", "planner"])
def test_manage_pages_query_count_same_at_1_and_3_answers(
    client, owner, program, poll, django_assert_max_num_queries, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)
    url = _url(name, program)
    _answers(poll, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _answers(poll, 2)
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert len(three) == len(one)
    if name == "poll-manage":
        assert "3 answers" in page


def test_manage_program_dashboard_links_to_the_planner_and_the_poll(client, owner, program):
    client.force_login(owner)
    page = client.get(reverse("manage:program", kwargs={"slug": program.slug})).content.decode()
    assert '<a href="/manage/programs/wikimedia-clinics/planner/">Plan fair call times</a>' in page
    assert '<a href="/manage/programs/wikimedia-clinics/poll/">Availability poll</a>' in page


def test_manage_planner_in_spanish(client, owner, program, seed_rotation):
    client.force_login(owner)
    response = client.post("/es" + _url("planner", program), _inputs())
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Planificar horarios justos para Wikimedia Clinics" in page
    assert "Demostrado: la mejor rotación de 2 franjas semanales" in page
    assert "Rotación actual: lunes 17:30 (UTC); miércoles 8:00 (UTC)" in page


def test_manage_planner_heatmap_marks_the_current_rotation_in_the_slots_zone(
    client, owner, program, seed_rotation
):
    client.force_login(owner)
    page = client.post(_url("planner", program), _inputs(anchor_zone="Asia/Kolkata")).content
    url = re.search(r'<img src="([^"]+)"', page.decode())[1].replace("&amp;", "&")
    svg = client.get(url).content.decode()
    # Monday 17:30 UTC is Monday 23:00 in Kolkata; Wednesday 08:00 UTC is 13:30 there.
    assert svg.count("◇") == 3  # two cells and the legend
    assert "Start of the call, in Asia/Kolkata" in svg


def test_display_slot_in_another_zone():
    monday = dt.date(2031, 1, 6)
    assert in_zone(Slot(0, 17 * 60 + 30, "UTC"), "Asia/Kolkata", monday) == Slot(
        0, 23 * 60, "Asia/Kolkata"
    )
    assert in_zone(Slot(0, 1 * 60, "UTC"), "America/New_York", monday) == Slot(
        6, 20 * 60, "America/New_York"
    )
