"""Settings come from the environment, with embedded defaults that run anywhere."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DATABASE_URL",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_settings_generate_a_secret_key_once_into_the_data_folder(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _run("shell", "-c", code, env={"CLINICDESK_DATA_DIR": str(tmp_path)})
    second = _run("shell", "-c", code, env={"CLINICDESK_DATA_DIR": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1] == second.stdout.strip().splitlines()[-1]
    assert len(key_file.read_text().strip()) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_settings_default_database_is_a_sqlite_file_in_wal_mode(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0], connection.settings_dict['NAME'])"
    )
    result = _run("shell", "-c", code, env={"CLINICDESK_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    mode, name = result.stdout.strip().splitlines()[-1].split()
    assert mode == "wal"
    assert name == str(tmp_path / "clinicdesk.sqlite3")


def test_settings_check_deploy_is_clean_with_production_values(tmp_path):
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "CLINICDESK_DATA_DIR": str(tmp_path),
            "SECRET_KEY": "kx9#Qm2vL!p8Zr4tY7wN1bC6dF3hJ5sA0eG-uI_oP+lK=xV@cB%nM^qW&rT*yU(iO)",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_COOKIES": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_PRELOAD": "1",
            "ALLOWED_HOSTS": "clinics.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_reject_a_malformed_boolean(tmp_path):
    result = _run("check", env={"CLINICDESK_DATA_DIR": str(tmp_path), "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
