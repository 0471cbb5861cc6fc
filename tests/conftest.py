import pytest

from tests.factories import build_area_tree


@pytest.fixture
def areas(db):
    """The small district tree of tests.factories, keyed by code."""
    return build_area_tree()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.3 s per user here; tests check behaviour,
    not hashing strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
