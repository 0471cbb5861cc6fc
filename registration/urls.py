"""Mounted by config/urls.py in the "accounts" namespace: the URL names (accounts:register,
accounts:registration_list, ...) predate registration's own package."""

from django.urls import path

from registration import views

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/verify/", views.register_verify, name="register_verify"),
    path("register/status/", views.register_status, name="register_status"),
    path("registrations/", views.registration_list, name="registration_list"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
]
