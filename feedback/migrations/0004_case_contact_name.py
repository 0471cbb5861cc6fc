from django.db import migrations, models

from infra.spatial_index import EnsureSpatialIndexes


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_photo_digest"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="contact_name",
            field=models.CharField(blank=True, max_length=50, verbose_name="联系人（自填）"),
        ),
        # SQLite adds a NOT NULL column by rebuilding the table, which drops its R*Tree.
        EnsureSpatialIndexes(),
    ]
