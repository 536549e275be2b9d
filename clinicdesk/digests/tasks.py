"""Background work of the digests app, run by ``manage.py db_worker``: the periodic search for
overdue follow-ups (``manage.py remind_follow_ups`` queues it; run that daily, e.g. from cron)
and the delivery of each reminder it writes (queue ``email``). See ``reminders.py``."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task(queue_name="default")
def queue_overdue_reminders() -> dict[str, Any]:
    """Writes and queues the reminders due; returns their ids and how many lost ones were
    queued again."""
    from clinicdesk.digests import reminders

    queued = reminders.queue_overdue_reminders()
    return {"reminders": queued.reminders, "requeued": queued.requeued}


@task(queue_name="email")
def deliver_follow_up_reminder(reminder_id: int) -> str:
    from clinicdesk.digests import reminders

    return reminders.OUTBOX.deliver(reminder_id).status
