"""A real MediaWiki on loopback, from Debian's packages, for the publishing tests.

Debian's ``/usr/share/mediawiki`` is copied into a temporary folder, installed on SQLite with
``maintenance/install.php``, given a few accounts (each with a bot password) and served by
``php -S 127.0.0.1:PORT``. The server can be stopped and started again on the same port and
data, to play "the wiki is down".

Accounts:

* ``ClinicBot`` (bot group): what clinicdesk publishes as;
* ``Human`` (no group): a person editing the pages by hand;
* ``Admin`` (sysop): protects pages;
* ``Limited`` (group ``ratelimited``, one edit an hour): meets the wiki's rate limit.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mwclient

DEBIAN_MEDIAWIKI = Path(os.environ.get("CLINICDESK_MEDIAWIKI_DIR", "/usr/share/mediawiki"))
PACKAGES = "mediawiki php-sqlite3 php-cli php-intl php-mbstring php-xml"

# Appended to the installer's LocalSettings.php.
EXTRA_SETTINGS = """
# --- clinicdesk tests ---
$wgEnableAPI = true;
$wgEnableBotPasswords = true;
# One edit an hour for the "ratelimited" group only; nobody else is limited.
$wgRateLimits = [ 'edit' => [ 'ratelimited' => [ 1, 3600 ] ] ];
$wgGroupPermissions['ratelimited']['read'] = true;
# Wrong-password tests must not lock the accounts out.
$wgPasswordAttemptThrottle = [];
$wgAccountCreationThrottle = 0;
# Jobs would run inside API requests and slow them down; nothing here needs them.
$wgJobRunRate = 0;
$wgShowExceptionDetails = true;
# The server runs several PHP workers: sessions and caches live in the database they share.
$wgMainCacheType = CACHE_DB;
$wgSessionCacheType = CACHE_DB;
$wgParserCacheType = CACHE_DB;
"""


class WikiUnavailable(Exception):
    """PHP or Debian's MediaWiki is not installed, or the wiki would not start."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def missing_parts() -> str:
    """What stops a wiki from being installed here, or an empty string."""
    if shutil.which("php") is None:
        return "php is not installed"
    if not (DEBIAN_MEDIAWIKI / "maintenance" / "install.php").exists():
        return f"{DEBIAN_MEDIAWIKI} has no MediaWiki"
    modules = subprocess.run(
        ["php", "-m"], capture_output=True, text=True, check=False
    ).stdout.lower()
    for module in ("pdo_sqlite", "intl", "mbstring", "xml"):
        if module not in modules:
            return f"PHP has no {module} module"
    return ""


@dataclass(frozen=True)
class Account:
    name: str
    password: str  # the account's own password
    bot_username: str  # "ClinicBot@clinicdesk"
    bot_password: str


class MediaWiki:
    """One installed wiki; :meth:`start` and :meth:`stop` its web server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.code = root / "w"
        self.data = root / "data"
        self.port = free_port()
        self.server: subprocess.Popen[bytes] | None = None
        self.accounts: dict[str, Account] = {}
        self.log = root / "server.log"

    # --- installing -------------------------------------------------------------------------

    def _php(self, *args: str) -> str:
        result = subprocess.run(
            ["php", *args],
            cwd=self.code,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise WikiUnavailable(
                f"php {' '.join(args[:2])} failed: {result.stdout[-2000:]} {result.stderr[-2000:]}"
            )
        return result.stdout

    def install(self) -> None:
        shutil.copytree(DEBIAN_MEDIAWIKI, self.code, symlinks=True)
        # Debian's copy points these at /var/lib/mediawiki; this wiki keeps its own.
        for name in ("LocalSettings.php", "images"):
            path = self.code / name
            if path.is_symlink() or path.exists():
                path.unlink()
        (self.code / "images").mkdir()
        self.data.mkdir()
        self._php(
            "maintenance/install.php",
            "--dbtype=sqlite",
            f"--dbpath={self.data}",
            f"--server=http://127.0.0.1:{self.port}",
            "--scriptpath=",
            "--lang=en",
            "--pass=Admin-password-0123456789",
            "Test Wiki",
            "Admin",
        )
        with (self.code / "LocalSettings.php").open("a") as settings:
            settings.write(EXTRA_SETTINGS)
        self._account("Admin", "Admin-password-0123456789", groups=(), exists=True)
        self._account("ClinicBot", "ClinicBot-password-0123456789", groups=("--bot",))
        self._account("Human", "Human-password-0123456789", groups=())
        self._account(
            "Limited", "Limited-password-0123456789", groups=("--custom-groups=ratelimited",)
        )

    def _account(self, name: str, password: str, *, groups: tuple[str, ...], exists=False):
        if not exists:
            self._php("maintenance/createAndPromote.php", *groups, name, password)
        # What Special:BotPasswords makes: MediaWiki only reads a password of 32 or more
        # characters from 0-9 and a-w as a bot password.
        bot_password = secrets.token_hex(20)
        grants = "basic,highvolume,editpage,createeditmovepage,protect,editprotected,delete"
        self._php(
            "maintenance/createBotPassword.php",
            "--appid=clinicdesk",
            f"--grants={grants}",
            name,
            bot_password,
        )
        self.accounts[name] = Account(name, password, f"{name}@clinicdesk", bot_password)

    # --- serving ----------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api.php"

    @property
    def is_running(self) -> bool:
        return self.server is not None and self.server.poll() is None

    def _port_is_free(self) -> bool:
        with socket.socket() as sock:
            # As a server binds: connections of the last run waiting out TIME_WAIT do not count.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", self.port))
            except OSError:
                return False
        return True

    def _answers(self) -> bool:
        try:
            url = f"{self.api_url}?action=query&meta=siteinfo&format=json"
            with urllib.request.urlopen(url, timeout=5) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def start(self, timeout: float = 60.0) -> None:
        if self.is_running:
            return
        deadline = time.monotonic() + timeout
        while not self._port_is_free():  # the workers of the last run may still be closing
            if time.monotonic() > deadline:
                raise WikiUnavailable(f"port {self.port} stays busy")
            time.sleep(0.1)
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}
        # APCu off: each forked worker would keep a local cache of its own, and a worker that
        # cached a page's latest revision misses a newer edit, so that an edit based on an old
        # revision was sometimes saved instead of being refused as an edit conflict.
        with self.log.open("ab") as log:
            self.server = subprocess.Popen(
                [
                    "php",
                    "-d",
                    "apc.enabled=0",
                    "-S",
                    f"127.0.0.1:{self.port}",
                    "-t",
                    str(self.code),
                ],
                cwd=self.code,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise WikiUnavailable(f"php -S stopped at once, see {self.log}")
            if self._answers():
                return
            time.sleep(0.1)
        self.stop()
        raise WikiUnavailable(f"the wiki did not answer on port {self.port}")

    def stop(self) -> None:
        """Stops the server and the workers it forked; the port then refuses connections."""
        if self.server is None:
            return
        if self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait(timeout=10)
        # The forked workers are in the same process group: make sure none is left serving.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, signal.SIGKILL)
        self.server = None

    # --- reading and editing as a person -----------------------------------------------------

    def site(self, account: str = "Human") -> mwclient.Site:
        site = mwclient.Site(
            f"127.0.0.1:{self.port}", path="/", scheme="http", max_retries=0, do_init=False
        )
        who = self.accounts[account]
        site.login(who.bot_username, who.bot_password)
        return site

    def page(self, title: str) -> dict[str, Any]:
        """The latest revision of a page: ``revid``, ``content``, ``user``; empty if missing."""
        site = mwclient.Site(
            f"127.0.0.1:{self.port}", path="/", scheme="http", max_retries=0, do_init=False
        )
        answer = site.api(
            "query",
            prop="revisions",
            titles=title,
            rvprop="ids|content|user|comment|flags",
            rvslots="main",
            formatversion=2,
        )
        found = answer["query"]["pages"][0]
        if found.get("missing") or "revisions" not in found:
            return {}
        revision = found["revisions"][0]
        return {
            "revid": revision["revid"],
            "content": revision["slots"]["main"]["content"],
            "user": revision["user"],
            "comment": revision.get("comment", ""),
            "minor": revision.get("minor", False),
        }

    def revision_count(self, title: str) -> int:
        site = mwclient.Site(
            f"127.0.0.1:{self.port}", path="/", scheme="http", max_retries=0, do_init=False
        )
        answer = site.api(
            "query", prop="revisions", titles=title, rvlimit="max", rvprop="ids", formatversion=2
        )
        return len(answer["query"]["pages"][0].get("revisions", []))

    def edit(self, title: str, text: str, *, account: str = "Human") -> int:
        """Saves ``text`` as ``account`` and returns the new revision id."""
        site = self.site(account)
        answer = site.api(
            "edit", title=title, text=text, summary="by hand", token=site.get_token("csrf")
        )
        return int(answer["edit"].get("newrevid") or 0)

    def protect(self, title: str) -> None:
        site = self.site("Admin")
        site.api(
            "protect",
            title=title,
            protections="edit=sysop|move=sysop",
            expiry="infinite",
            token=site.get_token("csrf"),
        )

    def delete(self, title: str) -> None:
        site = self.site("Admin")
        site.api("delete", title=title, reason="by hand", token=site.get_token("csrf"))

    def rendered_html(self, title: str) -> str:
        site = mwclient.Site(
            f"127.0.0.1:{self.port}", path="/", scheme="http", max_retries=0, do_init=False
        )
        answer = site.api("parse", page=title, prop="text", formatversion=2)
        return str(answer["parse"]["text"])
