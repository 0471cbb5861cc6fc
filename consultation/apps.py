from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = _("协商议事")

    def ready(self) -> None:
        from consultation import map_layers

        map_layers.register()
