from django.urls import re_path

from feedback.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[0-9A-Za-z_-]{1,20})" + FMT, views.service_definition),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[0-9]{1,18})" + FMT, views.request_detail),
    re_path(r"^photos/(?P<photo_id>[0-9]{1,18})\.jpg$", views.photo_file, name="photo"),
    re_path(r"^tokens/(?P<token>[0-9A-Za-z-]{1,64})" + FMT, views.token_detail),
]
