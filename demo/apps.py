from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The fictional demo district, built through the domain services. No models: no
    domain app imports it, and a deployment may leave it out of INSTALLED_APPS."""

    name = "demo"
    verbose_name = "Demo"
