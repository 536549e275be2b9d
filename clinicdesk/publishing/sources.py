"""Content sources: how another app publishes wiki pages and list e-mails through publishing.

Publishing keeps two kinds of pages of its own (the program page and digest pages, built in
``content.py``) and three kinds of list e-mails (``emails.py``). Any other app (consultation
results, newsletter issues, ...) registers a :class:`Source` in its ``AppConfig.ready()``::

    from clinicdesk.publishing import sources

    class ResultsSource(sources.Source):
        kind = "consultation-results"          # stored on the rows: never change it
        label = _("consultation results")      # what organizers read

        def pages(self, target): ...           # the pages the target should hold now
        def parts(self, target, key): ...      # a page's marked parts, or None: withdrawn
        def stamp(self, target): ...           # moves whenever any of its pages may change
        def compose(self, message): ...        # a list e-mail for ``message.source_key``

    sources.register(ResultsSource())

Publishing then keeps one ``WikiPage`` row per listed page (``kind="source"``,
``source_kind``, ``source_key``) and one ``ListMessage`` row per e-mail (the same two
fields), publishes and delivers them with its engine (claims, retries, conflicts, the
publish log, previews), and republishes a page in the periodic sweep when its source's stamp
moved. An app never writes those rows itself: it calls
``publishing.services.publish_source_pages`` (an organizer's decision to publish) and
``publishing.services.queue_source_email`` (an e-mail to the program's lists).

A source builds plain text from the record and knows nothing of the wiki or SMTP; publishing
knows nothing of the source's models. Keys are short strings the source chooses (e.g.
``"42:es"``: consultation 42 in Spanish), unique per source kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from django.utils.functional import Promise

from clinicdesk.outbox.emails import Attachment
from clinicdesk.publishing.markers import Part

if TYPE_CHECKING:
    from clinicdesk.publishing.models import ListMessage, WikiTarget

KIND_MAX_LENGTH = 50
KEY_MAX_LENGTH = 100


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page a target should hold: its key (unique within the source kind), its title on
    that wiki, and its language (the page's own, for organizers; "" when it has none)."""

    key: str
    title: str
    language: str = ""


@dataclass(frozen=True, slots=True)
class MailContent:
    """What a list e-mail says: publishing adds who it is from and to. ``headers`` are extra
    headers (e.g. ``Auto-Submitted``); ``attachments`` are the outbox's ``Attachment``s."""

    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


class Source:
    """A kind of content another app publishes. Override what the source offers: a source
    without pages keeps the default :meth:`pages` (none); one without e-mails keeps the
    default :meth:`compose` (which refuses)."""

    kind: ClassVar[str]
    label: ClassVar[str | Promise]

    # --- Wiki pages ---

    def pages(self, target: WikiTarget) -> Sequence[PageSpec]:
        """The pages ``target`` should hold now (``target.program`` is the program). A page
        the target held that is no longer listed is withdrawn: left as it is on the wiki."""
        return ()

    def parts(self, target: WikiTarget, key: str) -> tuple[Part, ...] | None:
        """The marked parts of the page ``key`` on ``target``, in ``target.language`` where
        the text is not the page's own language; None when it is no longer published."""
        raise NotImplementedError(f"{self.kind} has no wiki pages")

    def page_parts(
        self, target: WikiTarget, keys: Iterable[str]
    ) -> dict[str, tuple[Part, ...] | None]:
        """:meth:`parts` of many pages at once (the sweep compares every page of a target);
        override to read them in a fixed number of queries."""
        return {key: self.parts(target, key) for key in keys}

    def stamp(self, target: WikiTarget) -> str:
        """A short value that moves whenever any of the source's pages on ``target`` may have
        changed (e.g. a count and a last change of the rows it reads). The sweep republishes
        the pages whose stamp moved, on targets that republish on change."""
        return ""

    # --- List e-mails ---

    def compose(self, message: ListMessage) -> MailContent:
        """The e-mail for ``message.source_key``, in ``message.mailing_list.language``, from
        the record as it is at delivery."""
        raise NotImplementedError(f"{self.kind} has no e-mails")

    def still_wanted(self, message: ListMessage, now: dt.datetime) -> bool:
        """Whether the e-mail should still go (checked just before sending); one that is no
        longer wanted is marked skipped."""
        return True


_registry: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Makes ``source`` known to publishing (from an ``AppConfig.ready()``). Registering the
    same kind again replaces it (a test's source, a reloaded app)."""
    kind = source.kind
    if not kind or len(kind) > KIND_MAX_LENGTH or not kind.replace("-", "").isalnum():
        raise ValueError(f"a source kind is 1-{KIND_MAX_LENGTH} letters, digits and dashes")
    if kind in {"program", "digest", "announcement", "reminder", "source"}:
        raise ValueError(f"{kind!r} is publishing's own kind")
    _registry[kind] = source
    return source


def unregister(kind: str) -> None:
    _registry.pop(kind, None)


def get(kind: str) -> Source | None:
    """The source of that kind, or None (its app is no longer installed)."""
    return _registry.get(kind)


def registered() -> list[Source]:
    """Every registered source, by kind."""
    return [_registry[kind] for kind in sorted(_registry)]


def label_of(kind: str) -> str:
    source = _registry.get(kind)
    return str(source.label) if source is not None else kind
