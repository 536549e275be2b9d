from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "clinicdesk.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from clinicdesk.outbox import registry
        from clinicdesk.publishing.services import LIST_OUTBOX

        registry.register(LIST_OUTBOX)
