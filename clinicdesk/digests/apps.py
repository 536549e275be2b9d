from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestsConfig(AppConfig):
    name = "clinicdesk.digests"
    label = "digests"
    verbose_name = _("Digests")

    def ready(self) -> None:
        from clinicdesk.digests.reminders import OUTBOX
        from clinicdesk.outbox import registry

        registry.register(OUTBOX)
