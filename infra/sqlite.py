"""SQLite connection set-up."""


def restore_busy_timeout(sender, connection, **kwargs) -> None:
    """Give a SQLite connection the busy timeout of its `timeout` option again.

    Django's SpatiaLite backend loads mod_spatialite after sqlite3.connect(timeout=…) and
    after OPTIONS["init_command"] ran, and loading it sets SQLite's busy timeout to 5 s:
    a configured 20 s was really 5 s. connection_created fires once the connection is
    complete, so this is the last word.
    """
    if connection.vendor != "sqlite":
        return
    seconds = connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)
    connection.connection.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
