"""Background work of the newsletters app, run by ``manage.py db_worker``: one e-mail to a
subscriber (queue ``email``)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="email")
def deliver_subscriber_email(email_id: int) -> str:
    from clinicdesk.newsletters import subscriberemails

    return subscriberemails.OUTBOX.deliver(email_id).status
