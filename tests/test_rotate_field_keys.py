import io

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from common.personal_data import _fernet, keyed_hash
from grid.models import Resident
from tests.factories import make_resident

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def raw_id_token(resident_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM grid_resident WHERE id = %s", [resident_id])
        return cursor.fetchone()[0]


def test_rotation_re_encrypts_so_the_old_key_can_be_dropped(areas, settings):
    # given a resident encrypted under the old key
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    resident = make_resident("310101001001001", phone="13812345678")
    clear = Resident.objects.get(pk=resident.pk).id_number
    # when the new key is prepended and the command runs
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    call_command("rotate_field_keys", stdout=io.StringIO())
    # then the row reads with the new key alone, and the stored token changed key
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert Resident.objects.get(pk=resident.pk).id_number == clear
    assert Fernet(NEW.encode()).decrypt(raw_id_token(resident.pk).encode()).decode() == clear
    _fernet.cache_clear()


def test_a_new_hash_key_is_applied_to_every_hash_column(areas, settings):
    resident = make_resident("310101001001001", phone="13812345678")
    clear = Resident.objects.get(pk=resident.pk).id_number
    settings.FIELD_HASH_KEY = "a-brand-new-hash-key"
    call_command("rotate_field_keys", stdout=io.StringIO())
    found = Resident.objects.get(id_number_hash=keyed_hash(clear))
    assert found.pk == resident.pk
    assert found.phone_hash == keyed_hash("13812345678")
