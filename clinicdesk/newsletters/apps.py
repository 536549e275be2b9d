from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "clinicdesk.newsletters"
    label = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self) -> None:
        from clinicdesk.newsletters.publishing import IssueSource
        from clinicdesk.newsletters.subscriberemails import OUTBOX
        from clinicdesk.outbox import registry
        from clinicdesk.publishing import sources

        sources.register(IssueSource())
        registry.register(OUTBOX)
