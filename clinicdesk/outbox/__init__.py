"""The durable outbox: every e-mail the app decides to send, kept until it is delivered.

One state machine for every app that sends e-mail (registration's e-mails to registrants,
publishing's e-mails to mailing lists, newsletters' e-mails to subscribers):

    pending ──claim──▶ sending ──send──▶ sent
       ▲                  │ └─no longer wanted──▶ skipped
       │                  ▼
       └──(backoff)── retrying ──permanent refusal, or too many attempts──▶ failed
                                          (an organizer may send a failed one again)

* ``models.OutboxMessage``: the abstract base of an app's outbox table: ``status``
  (``OutboxStatus``), ``attempts``, ``next_attempt_at``, ``claimed_at``, ``last_error``,
  ``created_at``, ``sent_at`` and the (status, next attempt) index the sweep reads. The app's
  model adds what the e-mail is about (a registration, a mailing list, ...) and its ``kind``.
* ``emails.Email``: one e-mail, ready to send (to, subject, text, HTML alternative, from,
  reply-to, extra headers such as ``List-Unsubscribe``/``List-Unsubscribe-Post``, attachments
  such as an ``.ics``); ``emails.send(email)`` is the one way out; ``emails.render`` renders
  an app's three templates (``<base>-subject.txt``, ``-body.txt``, ``-body.html``) in a
  language.
* ``delivery.Outbox``: the engine, configured once per table with the model, a ``compose``
  (row → ``Email``, or ``Composed(email, undo)`` when composing wrote something to undo if
  sending fails), the delivery ``task`` (a django-tasks task taking the row id), and
  optionally ``still_wanted`` (row, now → bool; else the row is skipped), ``is_permanent``
  (error → bool; default: the SMTP server's 5xx answers), ``describe_error`` (error, e-mail
  → words for organizers), ``select_related`` and ``recorded`` (row, e-mail → extra fields
  saved on the row, e.g. the subject). It offers ``queue(row_id)`` (hand a new row to the
  task queue: in the same transaction with the database backend, once committed with any
  other), ``deliver(row_id)`` (what the task runs), ``retry(row)`` (an organizer's "send
  again") and ``requeue_stalled()`` (rows the queue lost).
* ``registry``: every app's ``Outbox``, registered in the app's ``AppConfig.ready()``
  (``registry.register(OUTBOX)``); registration's periodic chores call
  ``registry.requeue_stalled_everywhere()``, so a new app's e-mails are swept once it
  registers its outbox.
  Settings: ``EMAIL_RETRY_BASE_SECONDS``, ``EMAIL_RETRY_MAX_SECONDS``, ``EMAIL_MAX_ATTEMPTS``.

Example (an app's ``services.py``)::

    OUTBOX = Outbox(
        model=SubscriberEmail,
        compose=_compose,                      # row -> Email
        task=tasks.deliver_subscriber_email,   # @task(queue_name="email") def ...(row_id)
        still_wanted=lambda row, now: row.subscription.is_active,
        select_related=("subscription",),
    )
    row = SubscriberEmail.objects.create(..., next_attempt_at=now)
    OUTBOX.queue(row.pk)

    # the app's apps.py
    def ready(self):
        registry.register(OUTBOX)
"""
