"""The one place clinicdesk talks to a MediaWiki, through its Action API with mwclient.

:class:`WikiClient` logs in with a bot password, reads a page's latest revision, saves an edit
based on that revision (``baserevid``, so that an edit made meanwhile is a conflict and never
overwritten), and renders wikitext with ``action=parse``. Every failure becomes a
:class:`WikiProblem` that says what went wrong and whether trying again later can help.

mwclient's own waiting and retrying is turned off (``max_retries=0``): a task must not sleep
in a worker; the engine schedules the next attempt instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import mwclient
import mwclient.errors
import requests

USER_AGENT = "clinicdesk/0.1 (community clinics; publishing bot)"
TIMEOUT_SECONDS = 30

# What went wrong, as stored on pages and attempts. The first group may pass by itself.
UNREACHABLE = "unreachable"
MAXLAG = "maxlag"
RATELIMITED = "ratelimited"
READONLY = "readonly"
SESSION = "session"  # the login was lost or a token expired: log in again
RETRYABLE = frozenset({UNREACHABLE, MAXLAG, RATELIMITED, READONLY, SESSION})
# These need a person.
CREDENTIALS = "credentials"  # not configured in the environment
LOGIN = "login"  # refused by the wiki
PROTECTED = "protected"
CONFLICT = "conflict"
INVALID_TITLE = "invalid-title"
DELETED = "deleted"
MARKERS = "markers"  # the page's markers are broken
NOT_A_WIKI = "not-a-wiki"
REFUSED = "refused"  # any other refusal by the wiki (spam filter, abuse filter, size)

_API_CODES = {
    "maxlag": MAXLAG,
    "ratelimited": RATELIMITED,
    "readonly": READONLY,
    "editconflict": CONFLICT,
    "protectedpage": PROTECTED,
    "cascadeprotected": PROTECTED,
    "protectedtitle": PROTECTED,
    "protectednamespace": PROTECTED,
    "protectednamespace-interface": PROTECTED,
    "customcssjsprotected": PROTECTED,
    "permissiondenied": PROTECTED,
    "noedit": PROTECTED,
    "noedit-anon": PROTECTED,
    "nocreate-loggedin": PROTECTED,
    "cantcreate": PROTECTED,
    "blocked": PROTECTED,
    "autoblocked": PROTECTED,
    "writeapidenied": PROTECTED,
    "invalidtitle": INVALID_TITLE,
    "pagecannotexist": INVALID_TITLE,
    "missingtitle": DELETED,
    "pagedeleted": DELETED,
    "articleexists": SESSION,  # created meanwhile: read it again and merge
    "assertuserfailed": SESSION,
    "assertbotfailed": SESSION,
    "badtoken": SESSION,
    "notloggedin": SESSION,
}


class WikiProblem(Exception):
    """A failure talking to the wiki: its kind (one of the constants above) and the wiki's
    own words; ``retry_after`` is the wait the wiki asked for, if any."""

    def __init__(self, kind: str, detail: str, *, retry_after: int | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE


@dataclass(frozen=True, slots=True)
class Revision:
    revid: int
    text: str
    timestamp: str


@dataclass(frozen=True, slots=True)
class PageState:
    title: str  # as the wiki writes it
    revision: Revision | None  # None: the page does not exist
    read_at: str  # the wiki's clock when it was read (starttimestamp of the edit)


@dataclass(frozen=True, slots=True)
class Saved:
    revid: int | None
    changed: bool


def split_api_url(api_url: str) -> tuple[str, str, str]:
    """(scheme, host, script path) of an api.php address, as mwclient wants them."""
    parts = urlsplit(api_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("not an http(s) address")
    path = parts.path
    if not path.endswith("/api.php"):
        raise ValueError("not an api.php address")
    return parts.scheme, parts.netloc, path[: -len("api.php")]


def _api_problem(error: mwclient.errors.APIError) -> WikiProblem:
    code = str(error.code or "")
    kind = _API_CODES.get(code)
    if kind is None:
        kind = UNREACHABLE if code.startswith("internal_api_error") else REFUSED
    return WikiProblem(kind, f"{code}: {error.info}")


def _problem(error: Exception) -> WikiProblem:
    """What an exception from mwclient or requests means for publishing."""
    if isinstance(error, WikiProblem):
        return error
    if isinstance(error, mwclient.errors.LoginError):
        return WikiProblem(LOGIN, str(error.info or error.code))
    if isinstance(error, mwclient.errors.APIError):
        return _api_problem(error)
    if isinstance(error, mwclient.errors.MaximumRetriesExceeded):
        # mwclient gives up at once (max_retries=0) where it would wait: a lagging database.
        return WikiProblem(MAXLAG, "the wiki asked to wait (database lag)")
    if isinstance(error, mwclient.errors.AssertUserFailedError):
        return WikiProblem(SESSION, str(error))
    if isinstance(error, mwclient.errors.APIDisabledError | mwclient.errors.InvalidResponse):
        return WikiProblem(NOT_A_WIKI, "the address does not answer as a MediaWiki API")
    if isinstance(error, requests.HTTPError):
        status = error.response.status_code if error.response is not None else 0
        if status == 429 or status >= 500:
            retry_after = None
            if error.response is not None:
                raw = error.response.headers.get("Retry-After", "")
                retry_after = int(raw) if raw.isdigit() else None
            kind = RATELIMITED if status == 429 else UNREACHABLE
            return WikiProblem(kind, f"HTTP {status}", retry_after=retry_after)
        return WikiProblem(NOT_A_WIKI, f"HTTP {status}")
    if isinstance(error, requests.RequestException | OSError):
        return WikiProblem(UNREACHABLE, type(error).__name__)
    raise error


class WikiClient:
    """A logged-in conversation with one wiki."""

    def __init__(
        self,
        api_url: str,
        *,
        max_lag: int = 5,
        user_agent: str = USER_AGENT,
        timeout: int = TIMEOUT_SECONDS,
    ) -> None:
        try:
            scheme, host, path = split_api_url(api_url)
        except ValueError as error:
            raise WikiProblem(NOT_A_WIKI, str(error)) from None
        self.max_lag = max_lag
        self.site = mwclient.Site(
            host,
            path=path,
            scheme=scheme,
            max_retries=0,
            retry_timeout=0,
            do_init=False,
            clients_useragent=user_agent,
            connection_options={"timeout": timeout},
        )

    def _call(self, action: str, **params: Any) -> dict[str, Any]:
        try:
            answer: dict[str, Any] = self.site.api(action, **params)
        except Exception as error:  # every failure is classified, or raised as a bug
            raise _problem(error) from error
        return answer

    def login(self, username: str, password: str) -> None:
        try:
            self.site.login(username, password)
        except Exception as error:
            raise _problem(error) from error

    def read(self, title: str) -> PageState:
        """The page's latest revision (None when it does not exist).

        Raises :class:`WikiProblem` (``invalid-title``) for a title the wiki cannot hold.
        """
        answer = self._call(
            "query",
            http_method="GET",
            titles=title,
            prop="revisions",
            rvprop="ids|timestamp|content",
            rvslots="main",
            curtimestamp=1,
            formatversion=2,
        )
        query = answer.get("query", {})
        pages = query.get("pages") or []
        if not pages:
            raise WikiProblem(INVALID_TITLE, title)
        page = pages[0]
        if page.get("invalid") or page.get("special") or page.get("ns", 0) < 0:
            raise WikiProblem(INVALID_TITLE, str(page.get("invalidreason") or title))
        revisions = page.get("revisions") or []
        revision = None
        if not page.get("missing") and revisions:
            found = revisions[0]
            revision = Revision(
                revid=int(found["revid"]),
                text=str(found["slots"]["main"].get("content", "")),
                timestamp=str(found["timestamp"]),
            )
        read_at = str(answer.get("curtimestamp") or dt.datetime.now(dt.UTC).isoformat())
        return PageState(title=str(page.get("title") or title), revision=revision, read_at=read_at)

    def save(
        self,
        state: PageState,
        text: str,
        *,
        summary: str,
        bot: bool,
        minor: bool,
    ) -> Saved:
        """Saves ``text`` over the revision ``state`` was read at.

        A new page is created only if it still does not exist (``createonly``); an existing
        one is edited only if it still exists (``nocreate``), based on the revision read
        (``baserevid``), so an edit made meanwhile is an ``editconflict``, never overwritten.
        """
        params: dict[str, Any] = {
            "title": state.title,
            "text": text,
            "summary": summary,
            # Never as an anonymous visitor, should the session have been lost meanwhile.
            "assert": "user",
            "maxlag": self.max_lag,
            "starttimestamp": state.read_at,
            "formatversion": 2,
        }
        if state.revision is None:
            params["createonly"] = 1
        else:
            params["nocreate"] = 1
            # The revision id alone: given ``basetimestamp`` too, MediaWiki (1.39) takes an edit
            # made by someone else in the same second as the read for our own, and overwrites it.
            params["baserevid"] = state.revision.revid
        if bot:
            params["bot"] = 1
        params["minor" if minor else "notminor"] = 1
        try:
            params["token"] = self.site.get_token("csrf")
        except Exception as error:
            raise _problem(error) from error
        answer = self._call("edit", **params).get("edit", {})
        if answer.get("result") != "Success":
            raise WikiProblem(REFUSED, str(answer.get("info") or answer.get("result")))
        if answer.get("nochange"):
            return Saved(revid=state.revision.revid if state.revision else None, changed=False)
        return Saved(revid=int(answer["newrevid"]), changed=True)

    def render(self, title: str, text: str) -> str:
        """The HTML the wiki makes of ``text`` as the page ``title`` (``action=parse``)."""
        answer = self._call(
            "parse",
            title=title,
            text=text,
            contentmodel="wikitext",
            prop="text",
            pst=1,
            disableeditsection=1,
            disablelimitreport=1,
            formatversion=2,
        )
        return str(answer.get("parse", {}).get("text", ""))
