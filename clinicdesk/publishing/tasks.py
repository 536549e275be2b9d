"""Background work of the publishing app, run by ``manage.py db_worker``.

``publish_page`` publishes one wiki page (queue ``publishing``); ``deliver_list_message``
sends one e-mail to a mailing list (queue ``email``); ``run_publishing_sweep`` republishes what
changed, queues digest notices and reminders, and queues its own next run
``PUBLISHING_SWEEP_SECONDS`` later, even when a run fails.
"""

from __future__ import annotations

from django.conf import settings
from django_tasks import task


@task(queue_name="publishing")
def publish_page(page_id: int) -> str:
    from clinicdesk.publishing import services

    return services.publish_page(page_id=page_id).state


@task(queue_name="email")
def deliver_list_message(message_id: int) -> str:
    from clinicdesk.publishing import services

    return services.deliver_list_message(message_id=message_id).status


@task(queue_name="publishing")
def run_publishing_sweep() -> dict[str, int]:
    from clinicdesk.publishing import services

    try:
        return services.run_sweep()
    finally:
        services.schedule_sweep(delay_seconds=settings.PUBLISHING_SWEEP_SECONDS)
