"""Settings for a worker process started by a test: the test settings, pointed at the test
database the test process made (its name is only known at run time)."""

import os

from clinicdesk.settings_test import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["CLINICDESK_TEST_DATABASE"]  # noqa: F405
