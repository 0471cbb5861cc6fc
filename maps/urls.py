from django.urls import path

from maps import views

app_name = "maps"

urlpatterns = [
    path("", views.area_map, name="area_map"),
    path("coverage/", views.coverage_overview, name="coverage"),
    path("<str:code>/", views.area_map, name="area_map_of"),
]
