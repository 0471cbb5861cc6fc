from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("事件诉求")

    def ready(self) -> None:
        from feedback import map_layers, map_pages

        map_layers.register()
        map_pages.register()
