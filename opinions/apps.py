from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = _("意见地图")

    def ready(self) -> None:
        from opinions.sections import register

        register()
