from django.db import connection

from infra.spatial_index import _indexed_columns


def test_every_geometry_column_has_a_live_spatial_index(db):
    # A SpatiaLite table rebuild silently disables the R*Tree; PostGIS indexes are GiST.
    with connection.cursor() as cursor:
        for table, column in _indexed_columns():
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT spatial_index_enabled FROM geometry_columns "
                    "WHERE f_table_name = %s AND f_geometry_column = %s",
                    [table, column],
                )
                assert cursor.fetchone() == (1,), f"{table}.{column} has no spatial index"
            else:
                cursor.execute(
                    "SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexdef ILIKE %s",
                    [table, f"%gist%{column}%"],
                )
                assert cursor.fetchone()[0] == 1, f"{table}.{column} has no GiST index"
