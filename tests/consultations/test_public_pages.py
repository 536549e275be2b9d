"""Public pages: the consultation, submitting priorities, the table and map, ranking through a
registration's private link, results (hidden until ranking closes), and the downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from clinicdesk.consultations import services
from clinicdesk.consultations.models import Ballot, Submission
from clinicdesk.registration import services as registration
from clinicdesk.registration.models import Registration
from clinicdesk.scheduling.models import ClinicSession
from tests.conftest import make_session
from tests.consultations.conftest import (
    closed_times,
    ids,
    make_consultation,
    participant,
    register,
)


def url(consultation, name="detail", **extra):
    return reverse(
        f"consultations:{name}",
        kwargs={"slug": consultation.program.slug, "consultation": consultation.slug, **extra},
    )


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def cast_ballots(consultation, rows):
    """``rows``: (count, region, language, codes)."""
    n = 0
    for count, region, language, codes in rows:
        for _ in range(count):
            n += 1
            services.submit_ballot(
                consultation=consultation,
                participant=participant(consultation, n, region, language),
                choices=ids(consultation, *codes),
            )


def close_ranking(consultation):
    services.set_window_now(consultation=consultation, which="ranking", edge="closes")
    consultation.refresh_from_db()


# --- The consultation -------------------------------------------------------------------------


@pytest.mark.django_db
def test_consultation_page_lists_groups_initiatives_times_and_events(client, consultation, event):
    response = client.get(url(consultation))

    assert response.status_code == 200
    page = body(response)
    assert "Priorities 2031" in page
    assert "Which initiatives matter most?" in page
    assert "Sustainability" in page
    assert "User experience" in page
    assert "Make the projects known." in page
    # Every time names its zone: the consultation's, Madrid.
    assert "Madrid" in page
    assert event.display_title in page
    # The event's registration form asks for the needs.
    assert (
        reverse("registration:register", kwargs={"slug": "wikimedia-clinics", "number": 1}) in page
    )
    assert "interpretation, an internet data package, childcare" in page


@pytest.mark.django_db
def test_consultation_page_shows_texts_in_the_readers_language_where_written(client, consultation):
    services.import_initiatives(
        consultation=consultation, text="# R1 | Sostenibilidad\n1.1 | Conocimiento", language="es"
    )

    page = body(client.get("/es" + url(consultation)))

    assert '<dt lang="es"><span class="code">1.1</span> Conocimiento</dt>' in page
    # 1.2 has no Spanish text: it is shown in English, marked as such.
    assert '<dt lang="en"><span class="code">1.2</span> Advocacy</dt>' in page


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_consultation_page_queries_do_not_grow_with_initiatives(
    client, program, event, django_assert_num_queries, count
):
    consultation = make_consultation(program, [event])
    consultation.initiatives.exclude(code__in=["1.1", "1.2", "2.1"][:count]).delete()

    # Version check, consultation, groups, initiatives, events.
    with django_assert_num_queries(5):
        response = client.get(url(consultation))

    assert response.status_code == 200
    assert body(response).count('<dt lang="en">') == count


@pytest.mark.django_db
def test_unknown_consultation_is_404(client, program):
    response = client.get("/programs/wikimedia-clinics/consultations/nope/")

    assert response.status_code == 404


# --- Submissions ------------------------------------------------------------------------------


def submission_form(consultation, **changes):
    data = {
        "community": str(consultation.communities.get(name="Lagos Wiki Circle").pk),
        "new_community_name": "",
        "new_community_country": "",
        "new_community_region": "",
        "contact_name": "Ana",
        "contact_email": "ana@example.org",
        "consent": "on",
        "choice_1": str(ids(consultation, "2.1")[0]),
        "comment_1": "Newcomers leave",
        "choice_2": str(ids(consultation, "1.1")[0]),
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_submit_priorities_form_records_a_pending_submission(client, consultation):
    page = body(client.get(url(consultation, "submit")))
    assert 'name="choice_5"' in page
    assert "My community is not listed" in page

    response = client.post(url(consultation, "submit"), submission_form(consultation))

    assert response.status_code == 303
    assert response["Location"] == url(consultation, "submitted")
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.PENDING
    assert [c.initiative.code for c in submission.choices.all()] == ["2.1", "1.1"]


@pytest.mark.django_db
def test_submit_from_an_unknown_community_shows_the_message(client, consultation):
    response = client.post(
        url(consultation, "submit"), submission_form(consultation, community="new")
    )

    assert response.status_code == 400
    assert "Choose your community from the list, or give its name if it is not listed." in body(
        response
    )
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_submit_with_the_same_initiative_twice_shows_the_message(client, consultation):
    data = submission_form(consultation, choice_2=str(ids(consultation, "2.1")[0]))

    response = client.post(url(consultation, "submit"), data)

    assert response.status_code == 400
    assert "You chose “2.1” more than once" in body(response)


@pytest.mark.django_db
def test_submit_after_closing_says_when_it_closed(client, program, event):
    consultation = make_consultation(program, [event], times=closed_times())

    assert "Submissions closed on" in body(client.get(url(consultation, "submit")))
    response = client.post(url(consultation, "submit"), submission_form(consultation))
    assert response.status_code == 400
    assert "Submissions closed on" in body(response)


def accept(consultation, name, codes, comment=""):
    submission = services.submit_priorities(
        consultation=consultation,
        community_id=consultation.communities.get(name=name).pk,
        contact_name="C",
        contact_email="c@example.org",
        priorities=[services.Priority(i, comment) for i in ids(consultation, *codes)],
    )
    return services.review_submission(submission=submission, accept=True)


@pytest.mark.django_db
def test_submissions_table_shows_accepted_ones_without_contacts(client, consultation):
    accept(consultation, "Lagos Wiki Circle", ["2.1", "1.1"], "We need it")
    services.submit_priorities(
        consultation=consultation,
        community_id=consultation.communities.get(name="Wikimedia Testland").pk,
        contact_name="Hidden",
        contact_email="hidden@example.org",
        priorities=[services.Priority(ids(consultation, "1.2")[0])],
    )

    page = body(client.get(url(consultation, "submissions")))

    assert "Lagos Wiki Circle" in page
    assert "We need it" in page
    assert "Sub-Saharan Africa" in page
    assert "Nigeria" in page
    assert "Wikimedia Testland" not in page  # waiting for review
    assert "c@example.org" not in page
    assert "hidden@example.org" not in page
    assert url(consultation, "map") in page


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_submissions_page_queries_do_not_grow(
    client, consultation, django_assert_num_queries, count
):
    for name in ["Lagos Wiki Circle", "Wikimedia Testland", "Wiki Women Circle"][:count]:
        accept(consultation, name, ["2.1", "1.1"])

    # Version, consultation, submissions with communities, their choices, groups, initiatives.
    with django_assert_num_queries(6):
        response = client.get(url(consultation, "submissions"))

    assert len(response.context["rows"]) == count


@pytest.mark.django_db
def test_the_map_is_an_svg_drawn_from_shipped_data_with_no_tiles(client, consultation):
    accept(consultation, "Lagos Wiki Circle", ["2.1"])
    accept(consultation, "Wikimedia Testland", ["1.1"])

    response = client.get(url(consultation, "map"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = body(response)
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert "Sub-Saharan Africa (1)" in svg
    assert "Latin America and the Caribbean (1)" in svg
    # Nothing for the browser to fetch: no embedded image, no link to anywhere.
    assert "<image" not in svg
    assert 'href="http' not in svg
    assert "<metadata" not in svg


# --- Ranking ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rank_start_turns_a_pasted_link_into_the_ballot_address(client, consultation, event):
    someone = register(event, "ada@example.org")
    link = "https://clinics.example.org/registrations/" + someone.token + "/"

    response = client.post(url(consultation, "rank-start"), {"link": link})

    assert response.status_code == 303
    assert response["Location"] == url(consultation, "rank", token=someone.token)


@pytest.mark.django_db
def test_rank_start_refuses_what_is_not_a_private_link(client, consultation):
    response = client.post(url(consultation, "rank-start"), {"link": "hello"})

    assert response.status_code == 400
    assert "This is not a private link from a registration e-mail" in body(response)


@pytest.mark.django_db
def test_ranking_through_the_registration_link_records_one_ballot(client, consultation, event):
    someone = register(event, "ada@example.org", zone="Africa/Lagos", interpretation="fr")
    address = url(consultation, "rank", token=someone.token)

    page = client.get(address)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "same-origin"
    assert 'name="choice_1"' in body(page)
    assert 'name="choice_5"' in body(page)

    first, second = ids(consultation, "2.1", "1.1")
    response = client.post(address, {"choice_1": str(first), "choice_2": str(second)})

    assert response.status_code == 303
    ballot = Ballot.objects.get()
    assert ballot.choices == [first, second]
    assert (ballot.region, ballot.language, ballot.session_id) == ("africa", "fr", event.pk)
    after = client.get(address)
    assert "Thank you: your ranking was recorded." in body(after)
    assert "Your ranking as recorded" in body(after)


@pytest.mark.django_db
def test_a_second_ranking_replaces_the_first_and_says_so(client, consultation, event):
    someone = register(event, "ada@example.org")
    address = url(consultation, "rank", token=someone.token)
    client.post(address, {"choice_1": str(ids(consultation, "1.1")[0])})

    client.post(address, {"choice_1": str(ids(consultation, "2.2")[0])})

    assert Ballot.objects.get().choices == ids(consultation, "2.2")
    assert "it replaces the one you gave before" in body(client.get(address))


@pytest.mark.django_db
def test_one_person_registered_for_two_events_has_one_ballot(client, program, event):
    second = make_session(program, 2, start_date=dt.date(2030, 6, 18), time_zone="UTC")
    registration.configure_registration(session=second, capacity=None)
    consultation = make_consultation(program, [event, second])
    one = register(event, "ada@example.org")
    two = register(second, "ADA@example.org")

    client.post(
        url(consultation, "rank", token=one.token), {"choice_1": str(ids(consultation, "1.1")[0])}
    )
    client.post(
        url(consultation, "rank", token=two.token), {"choice_1": str(ids(consultation, "1.2")[0])}
    )

    assert Ballot.objects.get().choices == ids(consultation, "1.2")


@pytest.mark.django_db
def test_bad_rankings_get_a_clear_message(client, consultation, event):
    someone = register(event, "ada@example.org")
    address = url(consultation, "rank", token=someone.token)
    twice = str(ids(consultation, "1.1")[0])

    duplicate = client.post(address, {"choice_1": twice, "choice_2": twice})
    empty = client.post(address, {})
    unknown = client.post(address, {"choice_1": "999999"})

    assert duplicate.status_code == empty.status_code == unknown.status_code == 400
    assert "You chose “1.1” more than once: choose each initiative once." in body(duplicate)
    assert "Choose at least one initiative." in body(empty)
    assert "Select a valid choice." in body(unknown)
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_ranking_after_closing_is_refused_with_the_closing_time(client, consultation, event):
    someone = register(event, "ada@example.org")
    address = url(consultation, "rank", token=someone.token)
    close_ranking(consultation)

    assert "Ranking closed on" in body(client.get(address))
    response = client.post(address, {"choice_1": str(ids(consultation, "1.1")[0])})

    assert response.status_code == 400
    assert "Ranking closed on" in body(response)
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_links_that_do_not_open_a_ballot_are_404_with_an_explanation(
    client, program, consultation, event
):
    other = make_session(program, 2, start_date=dt.date(2030, 7, 1), time_zone="UTC")
    registration.configure_registration(session=other, capacity=None)
    elsewhere = register(other, "bo@example.org")
    cancelled = register(event, "cy@example.org")
    registration.cancel_registration(registration=Registration.objects.get(email="cy@example.org"))

    for token in [elsewhere.token, cancelled.token, "A" * 32]:
        response = client.get(url(consultation, "rank", token=token))
        assert response.status_code == 404
        assert "This link does not open a ballot" in body(response)
    # Not even a token's shape: no such address.
    assert client.get(url(consultation, "rank-start") + "short/").status_code == 404


# --- Results ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_results_are_hidden_until_ranking_closes(client, consultation):
    cast_ballots(consultation, [(6, "africa", "en", ["1.1"])])

    response = client.get(url(consultation, "results"))

    assert response.status_code == 403
    assert "The results are published when ranking closes:" in body(response)
    assert client.get(url(consultation, "chart")).status_code == 403
    download = client.get(url(consultation, "download", dataset="ballots", extension="csv"))
    assert download.status_code == 403
    assert "Results are published when ranking closes, on" in body(download)


@pytest.mark.django_db
def test_results_published_early_say_ranking_is_still_open(client, consultation):
    cast_ballots(consultation, [(6, "africa", "en", ["1.1"])])
    services.publish_results_early(consultation=consultation, published=True)

    response = client.get(url(consultation, "results"))

    assert response.status_code == 200
    assert "Ranking is still open: these results are shown early and will change." in body(response)


@pytest.mark.django_db
def test_results_after_closing_state_the_method_and_explain_ties(client, consultation):
    cast_ballots(
        consultation,
        [
            (5, "africa", "en", ["2.1", "1.1"]),
            (5, "cee", "en", ["1.1", "2.1"]),
            (2, "mena", "ar", ["2.2"]),
        ],
    )
    close_ranking(consultation)

    response = client.get(url(consultation, "results"))

    assert response.status_code == 200
    page = body(response)
    assert "Method: Borda count" in page
    assert "a first choice earns 5 points" in page
    assert "12 ballots." in page
    # 1.1 and 2.1 have 45 points (5 x 5 + 5 x 4), 5 first choices and 10 ballots each: they
    # share a rank, listed in code order.
    assert "1.1 and 2.1 have the same score (45)." in page
    assert "are still equal after every rule: they share rank 1." in page
    # 2.2 rests on 2 ballots: its figures read "fewer than 5".
    assert "fewer than 5" in page
    assert "By region" in page
    assert "Sub-Saharan Africa" in page
    assert "Some ballots are left out of this breakdown" in page
    assert url(consultation, "chart") + "?method=borda" in page


@pytest.mark.django_db
def test_results_by_another_method_and_the_chart(client, consultation):
    cast_ballots(consultation, [(6, "africa", "en", ["1.2", "1.1"])])
    close_ranking(consultation)

    page = body(client.get(url(consultation, "results") + "?method=schulze"))
    chart = client.get(url(consultation, "chart") + "?method=schulze")
    fallback = body(client.get(url(consultation, "results") + "?method=nonsense"))

    assert "Method: Schulze method" in page
    assert chart.status_code == 200
    assert chart["Content-Type"] == "image/svg+xml"
    assert "1.2 Advocacy" in body(chart)
    assert "Method: Borda count" in fallback


@pytest.mark.django_db
def test_results_with_too_few_ballots_publish_nothing(client, consultation):
    cast_ballots(consultation, [(3, "africa", "en", ["1.1"])])
    close_ranking(consultation)

    page = body(client.get(url(consultation, "results")))

    assert "Fewer than 5 ballots were cast: no results are published" in page
    assert "Awareness" not in page.split("Fewer than 5")[1]


# --- Raw data ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ballot_csv_streams_anonymized_rows_with_groupings_suppressed(client, consultation):
    cast_ballots(
        consultation,
        [
            (6, "africa", "en", ["2.1", "1.1"]),
            (5, "cee", "ru", ["1.1"]),
            (2, "cee", "en", ["1.2"]),
            (1, "mena", "ar", ["2.2"]),
        ],
    )
    close_ranking(consultation)

    response = client.get(url(consultation, "download", dataset="ballots", extension="csv"))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == (
        'attachment; filename="wikimedia-clinics-priorities-2031-ballots.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == 14
    assert list(rows[0]) == [
        "ballot",
        "region",
        "language_group",
        "choice_1",
        "choice_2",
        "choice_3",
        "choice_4",
        "choice_5",
    ]
    groups: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["region"], row["language_group"])
        groups[key] = groups.get(key, 0) + 1
    # Every grouping in the file holds at least 5 ballots, or carries no grouping at all.
    assert groups == {("africa", "en"): 6, ("cee", "ru"): 5, ("withheld", "withheld"): 3}
    assert [row["ballot"] for row in rows] == [str(n) for n in range(1, 15)]
    assert "participant" not in body(response)


@pytest.mark.django_db
def test_json_downloads_carry_their_data_dictionary(client, consultation):
    cast_ballots(consultation, [(5, "africa", "en", ["2.1"])])
    close_ranking(consultation)
    accept(consultation, "Lagos Wiki Circle", ["2.1", "1.1"], "Because")

    ballots = json.loads(
        body(client.get(url(consultation, "download", dataset="ballots", extension="json")))
    )
    submissions = json.loads(
        body(client.get(url(consultation, "download", dataset="submissions", extension="json")))
    )
    initiatives = json.loads(
        body(client.get(url(consultation, "download", dataset="initiatives", extension="json")))
    )

    assert ballots["suppression_threshold"] == 5
    assert [c["column"] for c in ballots["data_dictionary"]][:3] == [
        "ballot",
        "region",
        "language_group",
    ]
    assert ballots["ballots"][0]["choice_1"] == "2.1"
    assert submissions["submissions"] == [
        {
            "submission": 1,
            "community": "Lagos Wiki Circle",
            "region": "africa",
            "country": "NG",
            "place": 1,
            "initiative": "2.1",
            "comment": "Because",
        },
        {
            "submission": 1,
            "community": "Lagos Wiki Circle",
            "region": "africa",
            "country": "NG",
            "place": 2,
            "initiative": "1.1",
            "comment": "Because",
        },
    ]
    assert initiatives["initiatives"][0] == {
        "code": "1.1",
        "group": "R1",
        "group_name": "Sustainability",
        "title": "Awareness",
        "description": "Make the projects known.",
    }


@pytest.mark.django_db
def test_data_page_and_dictionary_csv(client, consultation):
    page = body(client.get(url(consultation, "data")))
    dictionary = body(client.get(url(consultation, "dictionary")))

    assert "Data dictionary" in page
    assert "language_group" in page
    assert "published when ranking closes" in page
    assert dictionary.startswith("dataset,column,type,description\r\nballots,ballot,integer,")
    assert (
        client.get(url(consultation, "download", dataset="people", extension="csv")).status_code
        == 404
    )


@pytest.mark.django_db
def test_results_read_in_spanish(client, consultation):
    cast_ballots(consultation, [(6, "africa", "en", ["2.1", "1.1"])])
    close_ranking(consultation)

    page = body(client.get("/es" + url(consultation, "results")))

    assert "Método: Recuento Borda" in page
    assert "6 votaciones." in page
    assert "Empates y cómo se deshicieron" in page
    assert "África subsahariana" in page


@pytest.mark.django_db
def test_outputs_give_the_wiki_page_and_the_email_in_the_language_asked(consultation):
    from clinicdesk.consultations.outputs import results_email_text, results_wikitext

    cast_ballots(consultation, [(6, "africa", "en", ["2.1", "1.1"])])
    close_ranking(consultation)

    wikitext = results_wikitext(consultation, language="es")
    email = results_email_text(consultation)

    assert wikitext.startswith("== Resultados: Priorities 2031 ==")
    assert "=== Por región ===" in wikitext
    assert "/programs/wikimedia-clinics/consultations/priorities-2031/results/" in wikitext
    assert email.startswith("Results: Priorities 2031\n")
    assert "  1. 2.1 Onboarding (30 points)" in email


@pytest.mark.django_db
def test_ballot_links_tag_gives_a_registrant_their_ballot(consultation, event, program):
    from django.template import Context, Template

    other = make_session(program, 2, start_date=dt.date(2030, 7, 1), time_zone="UTC")
    template = Template("{% load consultations_tags %}{% ballot_links session token %}")

    html = template.render(Context({"session": event, "token": "T" * 32}))
    nothing = template.render(Context({"session": other, "token": "T" * 32}))

    assert url(consultation, "rank", token="T" * 32) in html
    assert "Priorities 2031" in html
    assert nothing.strip() == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                '<span class="muted">January 2031</span>',
                '<span class="muted">February 2031, date to be discussed</span>',
                '<span class="muted">date to be discussed</span>',
            ],
        ),
        (
            "es",
            [
                '<span class="muted">enero de 2031</span>',
                '<span class="muted">febrero de 2031, fecha por acordar</span>',
                '<span class="muted">fecha por acordar</span>',
            ],
        ),
    ],
)
def test_events_without_a_day_say_their_month_or_date_to_be_discussed(
    client, program, language, expected
):
    undated = dict(start_date=None, start_time=None, kind=ClinicSession.Kind.EVENT)
    events = [
        make_session(
            program, 2, date_precision="month", start_month=dt.date(2031, 1, 1), **undated
        ),
        make_session(
            program, 3, date_precision="discussed", start_month=dt.date(2031, 2, 1), **undated
        ),
        make_session(program, 4, **undated),
    ]
    consultation = make_consultation(program, events)
    prefix = "" if language == "en" else f"/{language}"

    page = body(client.get(prefix + url(consultation)))

    assert [line for line in expected if line in page] == expected
