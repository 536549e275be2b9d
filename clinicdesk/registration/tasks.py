"""Background work of the registration app, run by ``manage.py db_worker``.

``deliver_email`` sends one outbox e-mail (queue ``email``). ``run_periodic_chores`` runs the
periodic work (reminders, the e-mail sweep, retention) and queues its own next run
``REGISTRATION_CHORES_INTERVAL_SECONDS`` later, even when a run fails; ``manage.py
schedule_chores`` (run by ``manage.py serve``) queues the first, and never a second while one
is waiting.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_tasks import task


@task(queue_name="email")
def deliver_email(email_id: int) -> str:
    from clinicdesk.registration import services

    return services.deliver_email(email_id=email_id).status


@task(queue_name="default")
def run_periodic_chores() -> dict[str, Any]:
    from clinicdesk.registration import services

    try:
        return services.run_chores()
    finally:
        services.schedule_chores(delay_seconds=settings.REGISTRATION_CHORES_INTERVAL_SECONDS)
