from django.db import migrations

from infra.spatial_index import EnsureSpatialIndexes


class Migration(migrations.Migration):
    dependencies = [("grid", "0001_initial")]
    operations = [EnsureSpatialIndexes()]
