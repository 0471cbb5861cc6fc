from django.urls import path, register_converter

from maps import tiles


class LayerName:
    regex = "[a-z_]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LayerName, "layer")

app_name = "tiles"

urlpatterns = [
    path("<layer:layer>/<int:z>/<int:x>/<int:y>.pbf", tiles.vector_tile, name="tile"),
]
