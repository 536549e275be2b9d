from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "clinicdesk.registration"
    label = "registration"
    verbose_name = _("Registration")

    def ready(self) -> None:
        from clinicdesk.outbox import registry
        from clinicdesk.registration.services import OUTBOX

        registry.register(OUTBOX)
