"""A stand-in for ``db_worker`` in the test's own thread (end-to-end tests run the real worker
process, ``tests/registration/processes.py``)."""

from __future__ import annotations

from django.db import connection
from django_tasks_db.models import DBTaskResult


def run_on_commit_callbacks() -> int:
    """Runs what the services asked to do once their transaction commits: in a test that runs
    inside a transaction, it never commits."""
    count = 0
    while connection.run_on_commit:
        pending = list(connection.run_on_commit)
        connection.run_on_commit.clear()
        for _savepoints, callback, _robust in pending:
            callback()
        count += len(pending)
    return count


def run_ready_tasks(*, queue: str | None = None, limit: int = 500) -> list[DBTaskResult]:
    """Runs the queued tasks that are due (on ``queue``, else on every queue), as
    ``db_worker`` does."""
    ran = []
    for _ in range(limit):
        ready = DBTaskResult.objects.ready()
        if queue:
            ready = ready.filter(queue_name=queue)
        row = ready.first()
        if row is None:
            break
        row.claim("test-worker")
        result = row.task_result
        try:
            value = row.task.call(*result.args, **result.kwargs)
        except Exception as error:
            row.set_failed(error)
        else:
            row.set_successful(value)
        ran.append(row)
    return ran


def run_tasks(*, queue: str | None = None) -> list[DBTaskResult]:
    """The commit's callbacks (queuing tasks), then the worker, until nothing is left to do."""
    ran: list[DBTaskResult] = []
    while True:
        queued = run_on_commit_callbacks()
        done = run_ready_tasks(queue=queue)
        ran += done
        if not queued and not done:
            return ran
