from django.db import migrations

from common.spatial_index import EnsureSpatialIndexes


class Migration(migrations.Migration):
    dependencies = [("grid", "0001_initial")]
    operations = [EnsureSpatialIndexes()]
