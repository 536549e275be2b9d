"""The services: times with their zone, initiatives and their texts, communities, submissions
and their review, ballots and every kind of bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinicdesk.consultations import services
from clinicdesk.consultations.models import Ballot, Community, Submission
from clinicdesk.consultations.phases import Phase
from clinicdesk.consultations.queries import phases_of
from tests.consultations.conftest import closed_times, ids, make_consultation, participant


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return error.value.messages


# --- Times ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_times_derive_utc_instants_from_wall_times_in_the_zone(program):
    saved = services.create_consultation(
        program=program,
        title="T",
        slug="t",
        times=services.ConsultationTimes(
            time_zone="Europe/Madrid",
            ranking_opens_on=dt.date(2030, 7, 1),
            ranking_opens_time=dt.time(9, 0),
            ranking_closes_on=dt.date(2030, 7, 2),
        ),
    )

    consultation = saved.consultation
    assert consultation.ranking_opens_at == dt.datetime(2030, 7, 1, 7, 0, tzinfo=dt.UTC)
    # A date without a time closes at 23:59 that day.
    assert consultation.ranking_closes_time == dt.time(23, 59)
    assert consultation.ranking_closes_at == dt.datetime(2030, 7, 2, 21, 59, tzinfo=dt.UTC)
    assert saved.notes == []


@pytest.mark.django_db
def test_a_time_in_a_daylight_saving_gap_is_refused_naming_the_zone(program):
    with pytest.raises(ValidationError) as error:
        services.create_consultation(
            program=program,
            title="T",
            slug="t",
            times=services.ConsultationTimes(
                time_zone="Europe/Madrid",
                ranking_opens_on=dt.date(2030, 3, 31),
                ranking_opens_time=dt.time(2, 30),
            ),
        )

    assert "ranking_opens_on" in error.value.error_dict
    assert "does not exist in Europe/Madrid" in _messages(error)[0]


@pytest.mark.django_db
def test_a_closing_in_a_fold_takes_the_later_reading_and_says_so(program):
    saved = services.create_consultation(
        program=program,
        title="T",
        slug="t",
        times=services.ConsultationTimes(
            time_zone="Europe/Madrid",
            ranking_closes_on=dt.date(2030, 10, 27),
            ranking_closes_time=dt.time(2, 30),
        ),
    )

    # 02:30 happens at 00:30 UTC (summer time) and again at 01:30 UTC: the closing is the later.
    assert saved.consultation.ranking_closes_at == dt.datetime(2030, 10, 27, 1, 30, tzinfo=dt.UTC)
    assert saved.notes == [
        "02:30 on 2030-10-27 happens twice in Europe/Madrid: the closing is the second time "
        "(the later)."
    ]


@pytest.mark.django_db
def test_closing_before_opening_and_unknown_zones_are_refused(program):
    with pytest.raises(ValidationError) as error:
        services.create_consultation(
            program=program,
            title="T",
            slug="t",
            times=services.ConsultationTimes(
                ranking_opens_on=dt.date(2030, 7, 2), ranking_closes_on=dt.date(2030, 7, 1)
            ),
        )
    assert _messages(error) == ["The closing must come after the opening."]

    with pytest.raises(ValidationError) as error:
        services.create_consultation(
            program=program, title="T", slug="t", times=services.ConsultationTimes("Mars/Olympus")
        )
    assert "Mars/Olympus" in _messages(error)[0]


@pytest.mark.django_db
def test_set_window_now_opens_and_closes(consultation):
    now = timezone.now()

    services.set_window_now(consultation=consultation, which="ranking", edge="closes", now=now)
    consultation.refresh_from_db()
    assert phases_of(consultation, now + dt.timedelta(minutes=1)).ranking == Phase.CLOSED
    assert phases_of(consultation, now + dt.timedelta(minutes=1)).results_visible

    later = now + dt.timedelta(minutes=5)
    services.set_window_now(consultation=consultation, which="ranking", edge="opens", now=later)
    consultation.refresh_from_db()
    assert consultation.ranking_closes_at is None
    assert phases_of(consultation, later + dt.timedelta(minutes=1)).ranking == Phase.OPEN


@pytest.mark.django_db
def test_settings_are_checked(program):
    for fields, field in [
        ({"max_choices": 0}, "max_choices"),
        ({"suppression_threshold": 1}, "suppression_threshold"),
        ({"languages": ["xx-nope"]}, "languages"),
        ({"slug": "has space"}, "slug"),
        ({"title": "  "}, "title"),
    ]:
        values = {"title": "T", "slug": "t", **fields}
        with pytest.raises(ValidationError) as error:
            services.create_consultation(program=program, **values)
        assert field in error.value.error_dict


# --- Initiatives ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_initiatives_adds_groups_and_then_translations(consultation):
    assert consultation.groups.count() == 2
    assert consultation.initiatives.count() == 5

    count = services.import_initiatives(
        consultation=consultation,
        text="# R1 | Sostenibilidad\n1.1 | Conocimiento | Dar a conocer los proyectos.",
        language="es",
    )

    assert (count.created, count.updated) == (0, 1)
    awareness = consultation.initiatives.get(code="1.1")
    assert awareness.texts == {
        "en": {"title": "Awareness", "description": "Make the projects known."},
        "es": {"title": "Conocimiento", "description": "Dar a conocer los proyectos."},
    }
    assert consultation.groups.get(code="R1").texts["es"] == {"name": "Sostenibilidad"}


@pytest.mark.django_db
def test_import_initiatives_refuses_bad_lines_all_or_nothing(consultation):
    with pytest.raises(ValidationError) as error:
        services.import_initiatives(
            consultation=consultation, text="# R3 | New\n3.1 | Fine\n3.2\n3.1 | Again"
        )

    assert _messages(error) == [
        "Line 3: give a code and a title.",
        "Line 4: this was already given above.",
    ]
    assert not consultation.groups.filter(code="R3").exists()


@pytest.mark.django_db
def test_an_initiative_needs_its_text_in_the_first_language(consultation):
    with pytest.raises(ValidationError) as error:
        services.save_initiative(
            consultation=consultation,
            code="9.9",
            group=None,
            texts={"es": {"title": "Solo en español", "description": ""}},
        )

    assert _messages(error) == ["Write it at least in en, the consultation's first language."]


@pytest.mark.django_db
def test_an_initiative_someone_chose_cannot_be_removed(consultation):
    services.submit_ballot(
        consultation=consultation,
        participant=participant(consultation, 1),
        choices=ids(consultation, "1.1"),
    )

    with pytest.raises(ValidationError):
        services.delete_initiative(initiative=consultation.initiatives.get(code="2.2"))


# --- Communities and submissions --------------------------------------------------------------


@pytest.mark.django_db
def test_communities_get_their_region_from_their_country(consultation):
    found = {c.name: (c.region, c.country) for c in consultation.communities.all()}

    assert found == {
        "Wikimedia Testland": ("latin-america", "AR"),
        "Lagos Wiki Circle": ("africa", "NG"),
        "Wiki Women Circle": ("international", ""),
    }


@pytest.mark.django_db
def test_add_communities_refuses_an_unknown_place(consultation):
    with pytest.raises(ValidationError) as error:
        services.add_communities(consultation=consultation, text="Somewhere | QQ")

    assert _messages(error) == ["Line 1: “QQ” is not a country code or a region."]


def _submit(consultation, **changes):
    values = {
        "consultation": consultation,
        "contact_name": "Ana",
        "contact_email": "ana@example.org",
        "priorities": [
            services.Priority(i, "Important to us") for i in ids(consultation, "2.1", "1.1")
        ],
        "community_id": consultation.communities.get(name="Lagos Wiki Circle").pk,
    }
    values.update(changes)
    return services.submit_priorities(**values)


@pytest.mark.django_db
def test_a_submission_keeps_the_order_and_comments_and_waits_for_review(consultation):
    submission = _submit(consultation)

    assert submission.status == Submission.Status.PENDING
    assert [(c.place, c.initiative.code, c.comment) for c in submission.choices.all()] == [
        (1, "2.1", "Important to us"),
        (2, "1.1", "Important to us"),
    ]


@pytest.mark.django_db
def test_a_submission_from_an_unknown_community_is_refused_with_a_clear_message(consultation):
    with pytest.raises(ValidationError) as error:
        _submit(consultation, community_id=999_999)

    assert error.value.error_dict["community"][0].code == "unknown-community"
    assert _messages(error) == [
        "We do not know this community. Choose it from the list, or choose “My community is "
        "not listed” and give its name and country."
    ]
    with pytest.raises(ValidationError):
        _submit(consultation, community_id=None, new_community=None)


@pytest.mark.django_db
def test_a_community_not_listed_is_proposed_and_listed_when_accepted(consultation, owner):
    submission = _submit(
        consultation,
        community_id=None,
        new_community=services.NewCommunity(name="Bandung Wiki Community", country="ID"),
    )
    community = submission.community
    assert (community.region, community.is_listed) == ("east-asia-pacific", False)

    services.review_submission(submission=submission, accept=True, reviewer=owner)

    community.refresh_from_db()
    assert community.is_listed is True
    submission.refresh_from_db()
    assert (submission.status, submission.reviewed_by) == (Submission.Status.ACCEPTED, owner)


@pytest.mark.django_db
def test_a_new_community_needs_a_country_or_a_region(consultation):
    with pytest.raises(ValidationError) as error:
        _submit(consultation, community_id=None, new_community=services.NewCommunity(name="X"))

    assert "new_community_country" in error.value.error_dict
    assert not Community.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_accepting_a_second_submission_replaces_the_communitys_first(consultation):
    first = _submit(consultation)
    services.review_submission(submission=first, accept=True)
    second = _submit(consultation, priorities=[services.Priority(ids(consultation, "1.2")[0])])

    services.review_submission(submission=second, accept=True)

    first.refresh_from_db()
    assert first.status == Submission.Status.REPLACED
    assert consultation.submissions.filter(status=Submission.Status.ACCEPTED).get() == second


@pytest.mark.django_db
def test_submissions_are_refused_outside_their_window(program, event):
    consultation = make_consultation(program, [event], times=closed_times())

    with pytest.raises(ValidationError) as error:
        _submit(consultation)

    assert error.value.code == "closed"
    assert _messages(error)[0].startswith("Submissions closed on ")
    assert "Madrid" in _messages(error)[0]


@pytest.mark.django_db
def test_submission_contact_is_checked(consultation):
    with pytest.raises(ValidationError) as error:
        _submit(consultation, contact_email="not an address")
    assert "contact_email" in error.value.error_dict


# --- Ballots ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_ballot_is_recorded_with_the_participants_groups(consultation):
    result = services.submit_ballot(
        consultation=consultation,
        participant=participant(consultation, 1, region="cee", language="ru"),
        choices=ids(consultation, "2.1", "1.1"),
    )

    assert result.replaced is False
    ballot = result.ballot
    assert ballot.choices == ids(consultation, "2.1", "1.1")
    assert (ballot.region, ballot.language) == ("cee", "ru")


@pytest.mark.django_db
def test_a_second_ballot_replaces_the_first(consultation):
    who = participant(consultation, 1)
    services.submit_ballot(
        consultation=consultation, participant=who, choices=ids(consultation, "1.1")
    )

    result = services.submit_ballot(
        consultation=consultation, participant=who, choices=ids(consultation, "2.2", "1.3")
    )

    assert result.replaced is True
    assert Ballot.objects.filter(consultation=consultation).count() == 1
    assert Ballot.objects.get().choices == ids(consultation, "2.2", "1.3")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ((), "Choose at least one initiative."),
        (("1.1", "2.1", "1.1"), "You chose “1.1” more than once: choose each initiative once."),
        (
            ("1.1", "1.2", "1.3", "2.1", "2.2", "1.1"),
            "You chose “1.1” more than once: choose each initiative once.",
        ),
    ],
)
def test_bad_ballots_get_a_clear_message(consultation, codes, message):
    with pytest.raises(ValidationError) as error:
        services.submit_ballot(
            consultation=consultation,
            participant=participant(consultation, 1),
            choices=ids(consultation, *codes),
        )

    assert _messages(error) == [message]
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_too_many_choices_and_unknown_initiatives_are_refused(program, event):
    consultation = make_consultation(program, [event], max_choices=2)
    who = participant(consultation, 1)

    with pytest.raises(ValidationError) as error:
        services.submit_ballot(
            consultation=consultation,
            participant=who,
            choices=ids(consultation, "1.1", "1.2", "1.3"),
        )
    assert _messages(error) == ["Choose at most 2 initiatives."]

    with pytest.raises(ValidationError) as error:
        services.submit_ballot(consultation=consultation, participant=who, choices=[999_999])
    assert _messages(error) == ["“999999” is not one of this consultation's initiatives."]


@pytest.mark.django_db
def test_a_ballot_after_closing_is_refused_naming_the_time_and_zone(program, event):
    consultation = make_consultation(program, [event], times=closed_times())

    with pytest.raises(ValidationError) as error:
        services.submit_ballot(
            consultation=consultation,
            participant=participant(consultation, 1),
            choices=ids(consultation, "1.1"),
        )

    assert error.value.code == "closed"
    message = _messages(error)[0]
    assert message.startswith("Ranking closed on ")
    assert "(UTC+1, Madrid)" in message or "(UTC+2, Madrid)" in message


@pytest.mark.django_db
def test_a_ballot_before_opening_says_when_ranking_opens(program, event):
    future = timezone.now().date() + dt.timedelta(days=30)
    consultation = make_consultation(
        program, [event], times=services.ConsultationTimes(ranking_opens_on=future)
    )

    with pytest.raises(ValidationError) as error:
        services.submit_ballot(
            consultation=consultation,
            participant=participant(consultation, 1),
            choices=ids(consultation, "1.1"),
        )

    assert _messages(error)[0].startswith("Ranking opens on ")


@pytest.mark.django_db
def test_the_number_of_choices_cannot_change_once_people_ranked(consultation):
    services.submit_ballot(
        consultation=consultation,
        participant=participant(consultation, 1),
        choices=ids(consultation, "1.1"),
    )

    with pytest.raises(ValidationError) as error:
        services.update_consultation(consultation=consultation, max_choices=3)

    assert "max_choices" in error.value.error_dict
    consultation.refresh_from_db()
    assert consultation.max_choices == 5


@pytest.mark.django_db
def test_ballots_move_the_content_version_only_when_results_are_shown_early(consultation):
    program = consultation.program
    program.refresh_from_db()
    before = program.content_version
    services.submit_ballot(
        consultation=consultation,
        participant=participant(consultation, 1),
        choices=ids(consultation, "1.1"),
    )
    program.refresh_from_db()
    assert program.content_version == before

    services.publish_results_early(consultation=consultation, published=True)
    services.submit_ballot(
        consultation=consultation,
        participant=participant(consultation, 2),
        choices=ids(consultation, "1.1"),
    )
    program.refresh_from_db()
    assert program.content_version == before + 2
