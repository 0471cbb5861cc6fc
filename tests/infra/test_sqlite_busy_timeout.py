"""The busy timeout SQLite really uses is the configured one, not the 5 s that loading
mod_spatialite leaves behind. Measured on a real SpatiaLite file (on either test
database: the probe connection is its own), with a real lock held by a second one."""

import sqlite3
import time

import dj_database_url
import pytest
from django.conf import settings
from django.db import OperationalError, connections
from django.db.utils import load_backend


def spatialite_connection(path, **options):
    settings_dict = dj_database_url.parse(f"spatialite:///{path}")
    settings_dict["OPTIONS"] = {**settings.SPATIALITE_OPTIONS, **options}
    settings_dict = connections.configure_settings({"default": settings_dict})["default"]
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(settings_dict, alias="busy-probe")


def busy_timeout_ms(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        return cursor.fetchone()[0]


@pytest.fixture(autouse=True)
def probe_allowed(django_db_blocker):
    """The probe connections are our own, beside the test database."""
    with django_db_blocker.unblock():
        yield


def test_a_spatialite_connection_keeps_the_configured_busy_timeout(tmp_path):
    wrapper = spatialite_connection(tmp_path / "probe.sqlite3")
    try:
        assert busy_timeout_ms(wrapper) == settings.SPATIALITE_OPTIONS["timeout"] * 1000 == 20000
    finally:
        wrapper.close()


def test_a_write_waits_for_a_locked_database_as_long_as_configured(tmp_path):
    # given a database whose write lock another connection holds
    path = tmp_path / "locked.sqlite3"
    wrapper = spatialite_connection(path, timeout=1.5)
    wrapper.ensure_connection()  # WAL, as in service
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    try:
        # when our connection tries to write
        started = time.monotonic()
        with pytest.raises(OperationalError, match="locked"), wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        waited = time.monotonic() - started
    finally:
        wrapper.close()
        holder.close()
    # then it waited the configured 1.5 s, not SpatiaLite's 5 s
    assert 1.4 <= waited < 3, waited
