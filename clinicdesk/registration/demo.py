"""Registration in the demo: the upcoming demo calls take registrations the way Global
Conversations did (seed 004): about 250 seats, a deadline the day before, and on the first
call live interpretation into Arabic, Chinese, French, German, Indonesian, Russian and
Spanish, internet data packages and childcare. Running it again changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from clinicdesk.registration import services
from clinicdesk.registration.models import RegistrationSettings
from clinicdesk.scheduling import services as scheduling
from clinicdesk.scheduling.models import Program

DEMO_CAPACITY = 250
# Seed 004: "live interpretation in Arabic, Chinese, French, German, Indonesian, Russian, and
# Spanish".
DEMO_INTERPRETATION = ["ar", "zh", "fr", "de", "id", "ru", "es"]


def load_demo(*, program: Program, say: Callable[[str], None]) -> None:
    now = timezone.now()
    upcoming = list(
        program.sessions.filter(is_demo=True, starts_at__gt=now)
        .select_related("program")
        .order_by("starts_at", "number")
    )
    opened = []
    for index, session in enumerate(upcoming):
        if RegistrationSettings.objects.filter(session=session).exists():
            continue
        if index == 0 and not session.interpretation_languages:
            scheduling.update_session(session=session, interpretation_languages=DEMO_INTERPRETATION)
        assert session.start_date is not None  # noqa: S101 - demo calls have a date
        deadline = session.start_date - dt.timedelta(days=1)
        times = services.WindowTimes(time_zone=session.time_zone)
        if deadline > now.date():
            # "Registration is open until December 4" for a call on December 5.
            times = services.WindowTimes(
                time_zone=session.time_zone, closes_on=deadline, closes_time=dt.time(23, 59)
            )
        services.configure_registration(session=session, capacity=DEMO_CAPACITY, times=times)
        opened.append(session.label)
    if opened:  # nothing to say when nothing changed, as the other steps of load_demo
        say("registration opened: " + ", ".join(opened))
