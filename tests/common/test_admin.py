"""Records only services may change (cases) or nobody may (the reveal audit trail) are
read only in the admin, even for a superuser."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("model", ["feedback_case", "grid_personaldatareveal"])
def test_read_only_admins_list_but_never_add(admin_client, model):
    assert admin_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 403
    assert admin_client.post(reverse(f"admin:{model}_add"), {}).status_code == 403


def test_an_audit_record_can_be_viewed_but_not_changed_or_deleted(admin_client, admin_user, areas):
    from grid.models import PersonalDataReveal
    from tests.factories import make_resident

    record = PersonalDataReveal.objects.create(
        actor=admin_user, resident=make_resident("310101001001001"), field="phone", reason="回访"
    )
    change = reverse("admin:grid_personaldatareveal_change", args=[record.pk])
    assert admin_client.get(change).status_code == 200  # view only
    assert admin_client.post(change, {"reason": "改过"}).status_code == 403
    delete = reverse("admin:grid_personaldatareveal_delete", args=[record.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.reason == "回访"
