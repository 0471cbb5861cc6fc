from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "maps"
    verbose_name = _("地图")

    def ready(self) -> None:
        from grid.models import Area, Building
        from maps import base_layers
        from maps.layers import data_changed

        base_layers.register()
        # grid cannot import maps (it sits below): its saves are heard here instead
        for model, layer in ((Area, "grids"), (Building, "buildings")):
            for signal in (post_save, post_delete):
                signal.connect(
                    lambda sender, _layer=layer, **kwargs: data_changed(_layer),
                    sender=model,
                    weak=False,
                    dispatch_uid=f"maps-version-{layer}-{signal is post_save}",
                )
