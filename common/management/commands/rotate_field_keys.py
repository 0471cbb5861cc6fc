"""Re-encrypt personal data under the newest key and recompute its keyed hashes.

Key rotation: prepend the new Fernet key to GONGZHI_FIELD_KEYS (keep the old ones), run
this command, then drop the old keys. Hash-key rotation: decrypt needs only the Fernet
keys, so after changing GONGZHI_HASH_KEY this command recomputes every `<field>_hash`
column from the clear values.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from common.personal_data import EncryptedTextField, keyed_hash


def encrypted_fields(model) -> list[str]:
    return [f.name for f in model._meta.local_fields if isinstance(f, EncryptedTextField)]


def hash_field_for(model, name: str) -> str | None:
    candidate = f"{name}_hash"
    names = {f.name for f in model._meta.local_fields}
    return candidate if candidate in names else None


class Command(BaseCommand):
    help = "Re-encrypt personal data with the newest key and recompute keyed hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if fields:
                count = self._rotate(model, fields, batch_size)
                self.stdout.write(f"{model._meta.label}: {count} rows, fields {', '.join(fields)}")

    def _rotate(self, model, fields: list[str], batch_size: int) -> int:
        hashed = {name: hash_field_for(model, name) for name in fields}
        update = fields + [h for h in hashed.values() if h]
        count = 0
        with transaction.atomic():
            rows = model._default_manager.only("pk", *update).order_by("pk")
            batch = []
            for row in rows.iterator(chunk_size=batch_size):
                for name, hash_name in hashed.items():
                    value = getattr(row, name)
                    if hash_name and value:
                        setattr(row, hash_name, keyed_hash(value))
                batch.append(row)  # saving re-encrypts with the newest key
                if len(batch) >= batch_size:
                    count += model._default_manager.bulk_update(batch, update)
                    batch = []
            count += model._default_manager.bulk_update(batch, update) if batch else 0
        return count
