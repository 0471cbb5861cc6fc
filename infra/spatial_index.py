"""Keeps SpatiaLite's R*Tree indexes alive across migrations.

SQLite cannot add a constraint in place, so Django rebuilds the table; on SpatiaLite that
discards and recovers the geometry column, which leaves `spatial_index_enabled = 0` and
an R*Tree that no trigger fills. Any migration that adds a constraint or otherwise
rebuilds a table with a geometry column ends with `EnsureSpatialIndexes()`.
"""

from django.apps import apps
from django.contrib.gis.db.models import GeometryField
from django.db import migrations


def _ensure(apps_registry, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, column in _indexed_columns():
            cursor.execute(
                "SELECT spatial_index_enabled FROM geometry_columns "
                "WHERE f_table_name = %s AND f_geometry_column = %s",
                [table, column],
            )
            row = cursor.fetchone()
            if row is not None and row[0] == 0:
                # the stale R*Tree would make CreateSpatialIndex complain; it is rebuilt
                cursor.execute(f'DROP TABLE IF EXISTS "idx_{table}_{column}"')
                cursor.execute("SELECT CreateSpatialIndex(%s, %s)", [table, column])
                cursor.execute("SELECT RecoverSpatialIndex(%s, %s)", [table, column])


def _indexed_columns() -> list[tuple[str, str]]:
    return [
        (model._meta.db_table.lower(), field.column.lower())
        for model in apps.get_models()
        for field in model._meta.local_fields
        if isinstance(field, GeometryField) and field.spatial_index
    ]


def EnsureSpatialIndexes() -> migrations.RunPython:
    return migrations.RunPython(_ensure, migrations.RunPython.noop, elidable=False)
