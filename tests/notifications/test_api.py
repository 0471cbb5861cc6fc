"""The phone app's inbox: GET /api/v1/notifications (own only, unread first, paged,
filterable) and POST /api/v1/notifications/{id}/read (idempotent; someone else's is 404)."""

from notifications.models import Notification
from tests.feedback.flows import closed, registered
from tests.grid.api_support import API, bearer_client, get_json
from tests.notifications.support import inbox_of, project


def test_the_phone_lists_its_users_notifications_unread_first_and_paged(people, categories):
    case = closed(people, categories)
    project()
    oldest = inbox_of(people["resident"])[0]
    Notification.objects.filter(pk=oldest.pk).update(read_at=oldest.created_at)
    client = bearer_client(people["resident"])
    status, body = get_json(client, "/notifications", limit=2)
    assert status == 200
    assert body["count"] == 4
    first = body["items"][0]
    assert first["kind"] == "case.rate_request"
    assert first["text"] == f"您反映的事件 {case.number}（占道经营）已结案，请对办理结果进行评价。"
    assert (first["link"], first["unread"], first["read_at"]) == (f"/cases/{case.pk}/", True, None)
    _, rest = get_json(client, "/notifications", limit=2, offset=2)
    assert [n["unread"] for n in rest["items"]] == [True, False]
    _, unread = get_json(client, "/notifications", unread="true")
    _, read = get_json(client, "/notifications", unread="false")
    assert (unread["count"], read["count"]) == (3, 1)


def test_marking_read_is_idempotent(people, categories):
    registered(people, categories)
    project()
    (note,) = inbox_of(people["resident"])
    client = bearer_client(people["resident"])
    first = client.post(f"{API}/notifications/{note.pk}/read")
    second = client.post(f"{API}/notifications/{note.pk}/read")
    assert first.status_code == second.status_code == 200
    assert first.json()["read_at"] == second.json()["read_at"] is not None
    assert second.json()["unread"] is False


def test_someone_elses_notification_is_404_problem_json(people, categories):
    registered(people, categories)
    project()
    (note,) = inbox_of(people["resident"])
    client = bearer_client(people["other_resident"])
    response = client.post(f"{API}/notifications/{note.pk}/read")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "消息不存在。"
    assert Notification.objects.get(pk=note.pk).read_at is None
    _, body = get_json(client, "/notifications")
    assert body == {"items": [], "count": 0}


def test_bad_input_is_422_in_chinese_and_no_token_is_401(people, client):
    phone = bearer_client(people["resident"])
    status, body = get_json(phone, "/notifications", limit=0)
    assert status == 422 and body["detail"]
    assert phone.post(f"{API}/notifications/0/read").status_code == 422
    assert client.get(f"{API}/notifications").status_code == 401


def test_texts_follow_the_phones_language(people, categories):
    case = registered(people, categories)
    project()
    client = bearer_client(people["resident"])
    body = client.get(f"{API}/notifications", headers={"Accept-Language": "en"}).json()
    assert body["items"][0]["text"] == (
        f"Case {case.number} (占道经营) has been registered and awaits dispatch."
    )
