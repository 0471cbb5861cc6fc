"""System checks: the production profile refuses the public demo keys.

The embedded demo (scripts/demo.sh) runs with the demo keys on purpose, DEBUG off: DEBUG
cannot tell a demo from production, so the refusal is tied to GONGZHI_PROFILE=production,
where every management command and the server (config/asgi.py) stop on it. `check
--deploy` reports the same in any profile.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


def demo_secrets() -> list[Error | Warning]:
    problems = []
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        problems.append(_error("E001", "DJANGO_SECRET_KEY", "the public demo SECRET_KEY"))
    if settings.FIELD_HASH_KEY == settings.DEMO_HASH_KEY:
        problems.append(_error("E002", "GONGZHI_HASH_KEY", "the public demo hash key"))
    keys = settings.FIELD_ENCRYPTION_KEYS
    if keys and keys[0] == settings.DEMO_FIELD_KEY:
        problems.append(_error("E003", "GONGZHI_FIELD_KEYS", "the public demo encryption key"))
    elif settings.DEMO_FIELD_KEY in keys:
        problems.append(
            Warning(
                "GONGZHI_FIELD_KEYS still holds the public demo key for decryption.",
                hint="Run `manage.py rotate_field_keys`, then remove the demo key.",
                id="gongzhi.W004",
            )
        )
    return problems


def _error(code: str, variable: str, what: str) -> Error:
    return Error(
        f"The production profile is running with {what}.",
        hint=f"Set {variable} to your own secret value (README, Security).",
        id=f"gongzhi.{code}",
    )


@register(Tags.security)
def demo_secrets_in_production(app_configs, **kwargs):
    return demo_secrets() if settings.PROFILE == "production" else []


@register(Tags.security, deploy=True)
def demo_secrets_on_deploy(app_configs, **kwargs):
    return demo_secrets() if settings.PROFILE != "production" else []


def refuse_to_serve_demo_secrets() -> None:
    """uvicorn runs no system checks: the server stops here instead."""
    if settings.PROFILE != "production":
        return
    errors = [p for p in demo_secrets() if isinstance(p, Error)]
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))
