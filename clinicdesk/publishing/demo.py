"""The publishing part of the demo: a wiki and a mailing list for the demo program, doing
nothing by themselves until an operator configures them.

* "Demo wiki" is switched off unless ``CLINICDESK_DEMO_WIKI_API`` gives the api.php of a wiki
  to try against (a local MediaWiki, a test wiki); its bot login is read like any wiki's, from
  ``CLINICDESK_WIKI_DEMO_USERNAME`` and ``CLINICDESK_WIKI_DEMO_PASSWORD``. Nothing is
  published until an organizer asks for it.
* "Demo list" is a mailing list at an example.org address, with reminders off; announcements
  go only when an organizer sends one (to the console, with the default e-mail settings).

Called by ``manage.py load_demo`` after the other apps; running it again changes nothing
(except switching the demo wiki on once the variable is set).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from clinicdesk.publishing import services
from clinicdesk.publishing.models import ListSender, MailingList, WikiTarget
from clinicdesk.scheduling.models import Program

DEMO_WIKI = "Demo wiki"
DEMO_API_VARIABLE = "CLINICDESK_DEMO_WIKI_API"
PLACEHOLDER_API = "http://127.0.0.1:8080/api.php"
DEMO_LIST_ADDRESS = "clinics-demo@lists.example.org"


def load_demo(*, program: Program, say: Callable[[str], None]) -> None:
    api = os.environ.get(DEMO_API_VARIABLE, "").strip()
    target = WikiTarget.objects.filter(program=program, name=DEMO_WIKI).first()
    if target is None:
        services.create_wiki_target(
            program=program,
            name=DEMO_WIKI,
            api_url=api or PLACEHOLDER_API,
            credentials_name="DEMO",
            program_page_title=program.wiki_page_prefix or program.name,
            is_active=bool(api),
        )
        say(f"demo wiki: {'on, ' + api if api else 'off (set ' + DEMO_API_VARIABLE + ')'}")
    elif api and (target.api_url != api or not target.is_active):
        services.update_wiki_target(target=target, api_url=api, is_active=True)
        say(f"demo wiki: on, {api}")
    if not ListSender.objects.filter(program=program).exists():
        services.set_list_sender(
            program=program, name=program.name, address="clinics-demo@example.org"
        )
    if not MailingList.objects.filter(program=program, address=DEMO_LIST_ADDRESS).exists():
        services.create_mailing_list(
            program=program, name="Demo list", address=DEMO_LIST_ADDRESS, sends_reminders=False
        )
        say("demo mailing list: " + DEMO_LIST_ADDRESS)
