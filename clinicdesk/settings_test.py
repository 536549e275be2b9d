"""Test settings: the production module with a throwaway data folder and fast hashing."""

import os
import tempfile

os.environ.setdefault("CLINICDESK_DATA_DIR", tempfile.mkdtemp(prefix="clinicdesk-test-"))
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from clinicdesk.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when missing

# The concurrency tests open connections from several threads and the worker from another
# process: the test database must be a file for SQLite (not memory), and a name of its own per
# run for PostgreSQL, so that runs side by side on one server do not drop each other's.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_clinicdesk_{os.getpid()}"}  # noqa: F405
