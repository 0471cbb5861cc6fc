from django.urls import path

from maps import editor, map_pages, views

app_name = "maps"

urlpatterns = [
    path("", map_pages.my_map, name="area_map"),
    path("command/", map_pages.command_map, name="command"),
    path("coverage/", views.coverage_overview, name="coverage"),
    path("<str:code>/edit/", editor.grid_editor, name="grid_editor"),
    path("<str:code>/", views.area_map, name="area_map_of"),
]
