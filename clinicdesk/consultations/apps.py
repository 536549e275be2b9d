from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "clinicdesk.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from clinicdesk.consultations.results_source import ResultsSource
        from clinicdesk.publishing import sources

        # The results are published through the publishing app (its pages and list e-mails).
        sources.register(ResultsSource())
