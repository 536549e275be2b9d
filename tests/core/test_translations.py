"""The Spanish catalogue is complete, well formed, compiled, and what Spanish readers see.

The other catalogues (fr, ar, zh_Hans, de, ru) are left for translators: the interface falls
back to English for them, so they are only checked to exist and to hold the same strings.
"""

from __future__ import annotations

import datetime as dt
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from django.urls import reverse
from django.utils.translation import override
from django.views.defaults import server_error

from clinicdesk.scheduling import services
from clinicdesk.scheduling.models import Person

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "clinicdesk"
LOCALE = PACKAGE / "locale"
LOCALES = ("es", "fr", "ar", "zh_Hans", "de", "ru")
# An app with a locale/ folder of its own keeps its strings there (so that apps can be
# translated side by side); the project catalogue holds everything else.
APP_ROOTS = sorted(path.parent for path in PACKAGE.glob("*/locale") if path.is_dir())
CATALOGUE_ROOTS = [PACKAGE, *APP_ROOTS]


def _spanish_po(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / "django.po"


def _ignores(root: Path) -> list[str]:
    return [f"--ignore={app.name}/*" for app in APP_ROOTS] if root == PACKAGE else []


MAKEMESSAGES_OPTIONS = ("--no-location", "--no-obsolete")
# The venv's django-admin, as `make messages` runs it (``python -m django`` is the same program).
_ADMIN_SCRIPT = Path(sys.executable).with_name("django-admin")
DJANGO_ADMIN = [str(_ADMIN_SCRIPT)] if _ADMIN_SCRIPT.is_file() else [sys.executable, "-m", "django"]

FIX = (
    "Run `make messages`, translate the new entries of the Spanish catalogue "
    "(clinicdesk/locale/es/... or clinicdesk/<app>/locale/es/...), "
    "and run `make messages` again to compile."
)

# %(name)s, %(count)d, %(number)03d ... (compared whole: "%(number)03d" is not "%(number)s"),
# and {program}; "%%" is a literal percent sign.
_PERCENT = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_BRACES = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def _entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _key(message: Message) -> tuple[str | None, str]:
    singular = message.id if isinstance(message.id, str) else message.id[0]
    return (message.context, singular)


def _label(message: Message) -> str:
    context, msgid = _key(message)
    return f"[{context}] {msgid!r}" if context else repr(msgid)


def _placeholders(text: str, flags: set[str]) -> set[str]:
    found: set[str] = set()
    if "python-format" in flags:
        found |= set(_PERCENT.findall(text.replace("%%", "")))
    if "python-brace-format" in flags or "python-format" not in flags:
        found |= {f"{{{name}}}" for name in _BRACES.findall(text)}
    return found


def _strings(message: Message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


@pytest.fixture(
    scope="module", params=CATALOGUE_ROOTS, ids=lambda root: str(root.relative_to(ROOT))
)
def root(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def spanish(root) -> Catalog:
    return _read(_spanish_po(root))


# --- The committed catalogue --------------------------------------------------------------------


def test_spanish_header(spanish):
    assert not spanish.fuzzy, "the header of the Spanish catalogue is marked fuzzy"
    assert str(spanish.locale) == "es"
    assert spanish.charset.lower() == "utf-8"
    assert spanish.num_plurals == 2
    assert spanish.plural_expr.replace(" ", "") in {"(n!=1)", "n!=1"}


def test_spanish_has_no_untranslated_or_fuzzy_entries(spanish):
    untranslated = [_label(m) for m in _entries(spanish) if not all(_strings(m))]
    fuzzy = [_label(m) for m in _entries(spanish) if m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}. {FIX}"
    assert not fuzzy, f"fuzzy (check, then remove the flag): {fuzzy}"


def test_spanish_placeholders_match_the_source(spanish):
    wrong = []
    for message in _entries(spanish):
        flags = set(message.flags)
        if isinstance(message.id, str):
            pairs = [(message.id, message.string)]
        else:  # Spanish: form 0 is the singular, form 1 the plural.
            singular, plural = message.id[0], message.id[1]
            pairs = [
                (singular if index == 0 else plural, form)
                for index, form in enumerate(message.string)
            ]
            if len(message.string) != spanish.num_plurals:
                wrong.append(f"{_label(message)}: {len(message.string)} plural forms")
        for source, translation in pairs:
            expected = _placeholders(source, flags)
            got = _placeholders(translation, flags)
            if expected != got:
                wrong.append(f"{_label(message)}: {sorted(expected)} != {sorted(got)}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_placeholder_patterns_see_what_gettext_sees():
    flags = {"python-format"}
    assert _placeholders("%(program)s has #%(number)03d, 100%% sure", flags) == {
        "%(program)s",
        "%(number)03d",
    }
    assert _placeholders("{program} #{number}", {"python-brace-format"}) == {
        "{program}",
        "{number}",
    }


def test_every_catalogue_exists_with_the_same_strings(spanish, root):
    if root != PACKAGE:
        pytest.skip("app catalogues are required in Spanish only")
    keys = {_key(m) for m in _entries(spanish)}
    for code in LOCALES:
        catalog = _read(LOCALE / code / "LC_MESSAGES" / "django.po")
        assert {_key(m) for m in _entries(catalog)} == keys, f"{code} is not in step with es"
        assert (LOCALE / code / "LC_MESSAGES" / "django.mo").is_file(), f"{code} is not compiled"


def test_compiled_spanish_catalogue_is_up_to_date(spanish, root):
    with _spanish_po(root).with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for message in _entries(spanish):
        context, msgid = _key(message)
        if isinstance(message.id, str):
            got = [compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)]
        else:
            plural = message.id[1]
            # 1 picks form 0 and 2 picks form 1 under plural=(n != 1).
            got = [
                compiled.npgettext(context, msgid, plural, n)
                if context
                else compiled.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
        if got != _strings(message):
            stale.append(_label(message))
    assert not stale, f"django.mo is older than django.po for {stale}. {FIX}"


# --- The catalogue against the code -------------------------------------------------------------


def test_catalogue_holds_every_string_of_the_code(tmp_path, spanish, root):
    """A string marked for translation but missing from the catalogue fails here."""
    copy = tmp_path / root.name
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc"))
    # Without settings, as `make messages` runs it: the catalogue lands in the copy's locale/
    # (with the test settings it would be LOCALE_PATHS, the real one).
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [*DJANGO_ADMIN, "makemessages", "-l", "es", *MAKEMESSAGES_OPTIONS, *_ignores(root)],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = {_key(m) for m in _entries(_read(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))}
    committed = {_key(m) for m in _entries(spanish)}
    missing = sorted(fresh - committed, key=str)
    stale = sorted(committed - fresh, key=str)
    assert not missing, f"not in the catalogue: {missing}. {FIX}"
    assert not stale, f"no longer in the code: {stale}. {FIX}"


# --- What readers see ---------------------------------------------------------------------------


@pytest.fixture
def clinic(db):
    program = services.create_program(name="Wikimedia Clinics", slug="wikimedia-clinics")
    services.schedule_session(
        program=program, number=10, start_date=dt.date(2030, 6, 17), start_time=dt.time(13, 0)
    )
    return program


def _html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def _heading(text: str) -> str:
    return rf"<h2 id=\"\w+\">{re.escape(text)}</h2>"


def test_program_page_in_spanish(client, clinic):
    html = _html(client, "/es/programs/wikimedia-clinics/")
    assert '<html lang="es" dir="ltr"' in html
    assert re.search(_heading("Próximas llamadas"), html)
    assert re.search(_heading("Archivo de llamadas anteriores"), html)
    assert "Suscríbete al calendario de todas las llamadas" in html
    assert "Ir al contenido" in html
    for english in ("Upcoming calls", "Archive of past calls", "Subscribe to the calendar"):
        assert english not in html


def test_session_page_in_spanish(client, clinic):
    html = _html(client, "/es/programs/wikimedia-clinics/sessions/10/")
    assert '<html lang="es" dir="ltr"' in html
    assert "Estado: <strong>planificada</strong>" in html
    assert re.search(_heading("Cuándo"), html)
    assert re.search(_heading("Orden del día"), html)
    assert "(90 minutos)" in html
    assert "Tiempo abierto: trae cualquier tema" in html
    assert "Añadir a tu calendario (.ics)" in html
    for english in ("Agenda", "When", "Open time", "Add to your calendar", "minutes"):
        assert english not in html


def test_english_stays_english(client, clinic):
    html = _html(client, "/programs/wikimedia-clinics/")
    assert '<html lang="en" dir="ltr"' in html
    assert re.search(_heading("Upcoming calls"), html)


def test_arabic_pages_are_right_to_left(client, clinic):
    html = _html(client, "/ar/programs/wikimedia-clinics/")
    assert '<html lang="ar" dir="rtl"' in html


def test_header_and_scheduled_time_in_spanish(client, clinic):
    html = _html(client, "/es/programs/wikimedia-clinics/sessions/10/?tz=America/Mexico_City")
    assert "Horas en <strong>Ciudad de México (America/Mexico_City)</strong>" in html
    assert (
        'Programada para el <time datetime="2030-06-17T13:00:00Z">lunes, 17 de junio de 2030, '
        '13:00 <span class="zone">(UTC)</span></time>'
    ) in html


def test_organizer_form_labels_and_choices_in_spanish(client, program, owner):
    client.force_login(owner)
    with override("es"):
        path = reverse("manage:session-create", kwargs={"slug": program.slug})
    html = _html(client, path)
    assert path.startswith("/es/")
    for label in ("Zona horaria", "Duración (minutos)", "Enlace de la llamada", "Idiomas hablados"):
        assert f"{label}:</label>" in html
    assert "No se repite</label>" in html
    for english in ("Time zone", "Length (minutes)", "Meeting link", "It does not happen twice"):
        assert english not in html


@pytest.mark.parametrize(
    ("staff", "warning"),
    [
        (0, "Solo 0 personas anfitrionas del personal"),
        (1, "Solo 1 persona anfitriona del personal"),
    ],
)
def test_staffing_warning_counts_in_spanish(db, staff, warning):
    hosts = [services.create_person(name=f"Host {i}", role=Person.Role.STAFF) for i in range(staff)]
    with override("es"):
        assert services.staffing_warning(hosts) == (
            f"{warning}: cada llamada necesita al menos dos miembros del personal."
        )


def test_server_error_page_in_spanish(rf):
    with override("es"):
        response = server_error(rf.get("/es/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="es" dir="ltr">' in html
    assert "<h1>Algo ha fallado por nuestra parte</h1>" in html
    assert "Something went wrong" not in html
