"""The production profile passes `check --deploy` without a warning and refuses the
public demo keys; the embedded demo keeps running with them. Pages carry a CSP that
their own markup obeys, and the API docs load nothing from outside."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.test import Client

ROOT = Path(settings.BASE_DIR)
OWN_KEYS = {
    "DJANGO_SECRET_KEY": "k3y-" + "x7Qp9Lm2Zt5Rv8Wn4Yc6Hb1Jd3Fg0Ks" * 2,
    "GONGZHI_HASH_KEY": "our-own-hash-key-4f1c2a9e",
    "GONGZHI_FIELD_KEYS": Fernet.generate_key().decode(),
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OWN_KEYS and k != "GONGZHI_PROFILE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_profile_passes_check_deploy_without_a_warning():
    run = manage("check", "--deploy", "--fail-level", "WARNING", GONGZHI_PROFILE="production",
                 **OWN_KEYS)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_the_production_profile_refuses_the_demo_keys_for_every_command():
    run = manage("check", GONGZHI_PROFILE="production")
    assert run.returncode != 0
    for code in ("gongzhi.E001", "gongzhi.E002", "gongzhi.E003"):
        assert code in run.stderr


def test_a_demo_key_kept_for_decryption_only_is_a_deploy_warning():
    keys = {**OWN_KEYS, "GONGZHI_FIELD_KEYS": OWN_KEYS["GONGZHI_FIELD_KEYS"] + ","
            + settings.DEMO_FIELD_KEY}  # fmt: skip
    run = manage("check", "--deploy", "--fail-level", "WARNING", GONGZHI_PROFILE="production",
                 **keys)  # fmt: skip
    assert run.returncode != 0 and "gongzhi.W004" in run.stderr


def test_the_embedded_demo_runs_with_its_demo_keys():
    run = manage("check")
    assert run.returncode == 0, run.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_of_their_own_origin():
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy
    # a nonce appears only on pages that use one (django-leaflet's admin widget)
    assert re.search(r"script-src 'self'(;|$)", policy)


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)(?![^>]*nonce=)[^>]*>"), "script"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"<style"), "style element"),
]


def test_no_template_has_inline_code_the_policy_would_block():
    templates = [p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    found = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in templates
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.mark.django_db
def test_the_api_docs_load_swagger_ui_from_this_server():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in response.text
    assert "cdn" not in response.text.lower() and "https://" not in response.text
