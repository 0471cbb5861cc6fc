from django.urls import path

from maps import views

app_name = "maps"

urlpatterns = [
    path("", views.area_map, name="area_map"),
]
