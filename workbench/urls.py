"""Mounted by config/urls.py in the "accounts" namespace: accounts:home predates the
workbench's own package."""

from django.urls import path

from workbench import views

urlpatterns = [
    path("", views.home, name="home"),
]
