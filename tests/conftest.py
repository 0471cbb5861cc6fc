import pytest

from tests.factories import build_area_tree


@pytest.fixture
def areas(db):
    """The small district tree of tests.factories, keyed by code."""
    return build_area_tree()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness guards real passwords, not test fixtures."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_memos():
    """Tokens, roles, categories and the calendar are memoised (infra/memo.py), and
    SQLite reuses the ids of rolled-back rows: one test's answers must not serve the next."""
    from accounts.tokens import last_use
    from infra.db import forget_reserved_ids
    from infra.memo import forget_all

    forget_all()
    forget_reserved_ids()
    last_use.forget()
    yield
    forget_all()
    last_use.forget()


@pytest.fixture(autouse=True)
def second_factor_off(settings):
    """Most tests log staff in with client.force_login and test what they do once in;
    the second factor is tested on its own (tests/accounts/test_two_factor.py), which
    turns it back on."""
    settings.TWO_FACTOR_ENFORCED = False


@pytest.fixture(autouse=True)
def default_language():
    """A request in English leaves English active in the thread that served it (the
    test's own, with the test client): the next test starts in the default language."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)
