"""Reporting through the API as a phone does: categories, JSON report, photos, 即办."""

import io
import json
import uuid

import pytest
from PIL import Image

from feedback.models import Case, CasePhoto, CaseSource, CaseState
from tests.factories import grid_centre
from tests.feedback.conftest import GRID, NEIGHBOUR_GRID
from tests.feedback.flows import registered, reported
from tests.feedback.photos import heic_bytes, image_bytes, jpeg_with_gps
from tests.grid.api_support import API, bearer_client, get_json, post_json, session_client


def report_body(grid=GRID, **overrides) -> dict:
    point = grid_centre(grid)
    body = {
        "client_id": str(uuid.uuid4()),
        "category": "1301",
        "description": "人行道上有摊贩占道",
        "lon": point.x,
        "lat": point.y,
        "address": "测试路1号门口",
    }
    body.update(overrides)
    return body


def upload(name: str, data: bytes, content_type: str = "image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def assert_problem(response, status: int, detail: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    if detail is not None:
        assert body["detail"] == detail
    return body


def test_the_category_tree_lists_active_leaves_under_their_parent(people, categories):
    status, body = get_json(bearer_client(people["resident"]), "/cases/categories")
    assert status == 200
    tree = {top["code"]: [leaf["code"] for leaf in top["children"]] for top in body}
    assert tree == {"02": ["0201"], "13": ["1301", "1302"]}
    order = next(top for top in body if top["code"] == "13")
    assert order["kind_label"] == "事件"
    assert order["children"][0]["department"] == "城管局"


def test_a_report_is_created_once_and_its_retry_returns_the_same_case(people, categories):
    # given
    phone = bearer_client(people["resident"])
    body = report_body()
    # when
    first_status, first = post_json(phone, "/cases", body)
    retry_status, retry = post_json(phone, "/cases", body)
    # then
    assert (first_status, retry_status) == (201, 200)
    assert retry["id"] == first["id"] and retry["number"] == first["number"]
    assert first["state"] == CaseState.REPORTED and first["grid"] == GRID
    assert first["due_at"] is not None
    case = Case.objects.get()
    assert (case.source, case.reporter, case.address) == (
        CaseSource.RESIDENT,
        people["resident"],
        "测试路1号门口",
    )


def test_a_grid_worker_reports_by_grid_code_without_a_position(people, categories):
    body = report_body(lon=None, lat=None, grid_code=GRID)
    status, case = post_json(session_client(people["worker"]), "/cases", body)
    assert status == 201
    assert case["grid"] == GRID
    assert Case.objects.get().source == CaseSource.PATROL


def test_a_client_id_used_by_someone_else_is_a_conflict(people, categories):
    body = report_body()
    post_json(bearer_client(people["resident"]), "/cases", body)
    response = bearer_client(people["other_resident"]).post(
        f"{API}/cases", body, content_type="application/json"
    )
    assert_problem(response, 409, "该客户端编号已被其他上报使用。")


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"category": "13"}, "请选择具体的事件小类。"),
        ({"category": "9999"}, "事件类别不存在。"),
        ({"description": "   "}, "请描述问题。"),
        ({"lon": 100.0, "lat": 20.0}, "该位置不在任何网格内，请在地图上重新选择。"),
        ({"lon": None, "lat": None}, "请在地图上选择位置，或选择所在网格。"),
    ],
)
def test_a_bad_report_is_a_422_problem_in_chinese(people, categories, overrides, detail):
    response = bearer_client(people["resident"]).post(
        f"{API}/cases", report_body(**overrides), content_type="application/json"
    )
    assert_problem(response, 422, detail)
    assert not Case.objects.exists()


def test_a_report_without_a_client_id_or_with_half_a_position_is_refused(people, categories):
    phone = bearer_client(people["resident"])
    body = report_body()
    del body["client_id"]
    assert_problem(phone.post(f"{API}/cases", body, content_type="application/json"), 422)
    half = report_body(lat=None)
    response = phone.post(f"{API}/cases", half, content_type="application/json")
    assert assert_problem(response, 422, "经度和纬度须同时提供。")["field"] == "lat"


def test_a_grid_worker_cannot_report_in_the_neighbouring_grid(people, categories):
    response = bearer_client(people["worker"]).post(
        f"{API}/cases", report_body(grid=NEIGHBOUR_GRID), content_type="application/json"
    )
    assert_problem(response, 403, "您不能在该网格上报事件。")


def test_a_department_handler_cannot_report(people, categories):
    response = bearer_client(people["handler"]).post(
        f"{API}/cases", report_body(), content_type="application/json"
    )
    assert_problem(response, 403)


def test_an_anonymous_caller_gets_401(people, categories):
    from django.test import Client

    response = Client().post(f"{API}/cases", report_body(), content_type="application/json")
    assert_problem(response, 401)


def test_a_session_post_without_csrf_is_refused(people, categories):
    client = session_client(people["resident"], enforce_csrf_checks=True)
    response = client.post(f"{API}/cases", report_body(), content_type="application/json")
    assert_problem(response, 403, "CSRF 校验失败，请刷新页面后重试。")
    assert not Case.objects.exists()


# --- photos --------------------------------------------------------------------------------


def test_photos_follow_the_report_without_exif_and_with_thumbnails(people, categories):
    # given
    phone = bearer_client(people["resident"])
    _, case = post_json(phone, "/cases", report_body())
    # when
    response = phone.post(
        f"{API}/cases/{case['id']}/photos",
        {"photos": [upload("a.jpg", jpeg_with_gps()), upload("b.heic", heic_bytes(), "")]},
    )
    # then
    assert response.status_code == 201
    detail = response.json()
    assert [p["stage"] for p in detail["photos"]] == ["before", "before"]
    assert detail["photos"][0]["url"].startswith(f"http://testserver{API}/cases/{case['id']}/")
    assert detail["timeline"][-1]["action"] == "add_photos"
    assert len(detail["timeline"][-1]["photos"]) == 2
    stored = CasePhoto.objects.order_by("id").first()
    picture = Image.open(stored.image.open("rb"))
    assert not picture.getexif().get_ifd(0x8825)
    assert (picture.width, picture.height) == (600, 800)  # upright, as the phone showed it
    assert max(Image.open(stored.thumbnail.open("rb")).size) <= 320


def test_photo_links_go_through_the_scoped_endpoint_and_never_to_media(people, categories):
    # given a photo whose file name under /media/ could be guessed
    phone = bearer_client(people["resident"])
    _, case = post_json(phone, "/cases", report_body())
    added = phone.post(
        f"{API}/cases/{case['id']}/photos", {"photos": [upload("a.jpg", jpeg_with_gps())]}
    )
    # when
    response = phone.get(f"{API}/cases/{case['id']}")
    # then
    assert b"/media/" not in added.content and b"/media/" not in response.content
    [photo] = response.json()["photos"]
    full = phone.get(photo["url"])
    assert full.status_code == 200 and full["Content-Type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(b"".join(full.streaming_content)))
    assert picture.size == (600, 800)
    assert not picture.getexif().get_ifd(0x8825)
    thumb = session_client(people["supervisor"]).get(photo["thumbnail_url"])
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) <= 320


@pytest.mark.parametrize("who", ["neighbour_supervisor", "neighbour_worker"])
def test_a_photo_link_is_404_for_a_user_of_the_neighbouring_area(people, categories, who):
    phone = bearer_client(people["resident"])
    _, case = post_json(phone, "/cases", report_body())
    added = phone.post(
        f"{API}/cases/{case['id']}/photos", {"photos": [upload("a.jpg", jpeg_with_gps())]}
    )
    [photo] = added.json()["photos"]
    assert_problem(bearer_client(people[who]).get(photo["url"]), 404)
    assert_problem(session_client(people[who]).get(photo["thumbnail_url"]), 404)


def test_a_photo_of_another_case_is_404_under_this_case(people, categories):
    phone = bearer_client(people["resident"])
    _, mine = post_json(phone, "/cases", report_body())
    _, other = post_json(bearer_client(people["supervisor"]), "/cases", report_body())
    bearer_client(people["supervisor"]).post(
        f"{API}/cases/{other['id']}/photos", {"photos": [upload("a.jpg", jpeg_with_gps())]}
    )
    photo = CasePhoto.objects.get(case_id=other["id"])
    response = phone.get(f"{API}/cases/{mine['id']}/photos/{photo.pk}")
    assert_problem(response, 404, "照片不存在。")


def test_a_bad_photo_is_a_422_and_the_report_stays_saved(people, categories):
    phone = bearer_client(people["resident"])
    _, case = post_json(phone, "/cases", report_body())
    response = phone.post(
        f"{API}/cases/{case['id']}/photos",
        {"photos": [upload("virus.jpg", b"MZ\x90\x00not a picture")]},
    )
    assert_problem(response, 422, "文件 virus.jpg 不是可识别的照片（支持 JPEG、PNG、WebP、HEIC）。")
    assert Case.objects.get(pk=case["id"]).description == "人行道上有摊贩占道"
    assert not CasePhoto.objects.exists()


def test_only_the_reporter_adds_photos(people, categories):
    case = reported(people, categories)
    response = bearer_client(people["supervisor"]).post(
        f"{API}/cases/{case.pk}/photos", {"photos": [upload("a.png", image_bytes("PNG"))]}
    )
    assert_problem(response, 403, "只有反映人本人可以执行此操作。")


def test_photos_of_a_case_someone_cannot_see_are_404(people, categories):
    case = reported(people, categories)
    response = bearer_client(people["other_resident"]).post(
        f"{API}/cases/{case.pk}/photos", {"photos": [upload("a.png", image_bytes("PNG"))]}
    )
    assert_problem(response, 404, "事件不存在或不在您的管辖范围内。")


def test_no_more_than_nine_photos_per_case(people, categories):
    phone = bearer_client(people["resident"])
    _, case = post_json(phone, "/cases", report_body())
    pngs = [image_bytes("PNG", size=(64 + n, 48)) for n in range(10)]
    url = f"{API}/cases/{case['id']}/photos"
    first = phone.post(url, {"photos": [upload(f"{n}.png", pngs[n]) for n in range(6)]})
    assert first.status_code == 201
    response = phone.post(url, {"photos": [upload(f"{n}.png", pngs[n]) for n in range(6, 10)]})
    assert_problem(response, 422, "最多上传 9 张照片。")


def test_a_retried_upload_stores_its_photos_once(people, categories):
    files = {
        "a.jpg": jpeg_with_gps(),
        "b.png": image_bytes("PNG"),
        "c.webp": image_bytes("WEBP", size=(50, 50)),
    }

    def sending(*names: str) -> dict:
        return {"photos": [upload(name, files[name.split("-")[-1]]) for name in names]}

    # given a phone whose first upload was saved but whose answer was lost
    phone = bearer_client(people["resident"])
    _, case = post_json(phone, "/cases", report_body())
    url = f"{API}/cases/{case['id']}/photos"
    assert phone.post(url, sending("a.jpg", "b.png")).status_code == 201
    # when it sends the same files again (one of them twice), then those and a new one
    retry = phone.post(url, sending("a.jpg", "again-a.jpg", "b.png"))
    more = phone.post(url, sending("a.jpg", "b.png", "c.webp"))
    # then each file is stored once, and only the new one made a timeline entry
    assert retry.status_code == 201 and more.status_code == 201
    assert CasePhoto.objects.filter(case_id=case["id"]).count() == 3
    actions = [entry["action"] for entry in more.json()["timeline"]]
    assert actions.count("add_photos") == 2


# --- duplicates ----------------------------------------------------------------------------


def test_duplicates_offer_nearby_open_cases_of_the_same_category(people, categories):
    # given
    near = registered(people, categories)
    registered(people, categories, category="manhole")
    point = grid_centre(GRID)
    # when
    status, body = get_json(
        bearer_client(people["other_resident"]),
        "/cases/duplicates",
        category="1301",
        lon=point.x + 0.0002,
        lat=point.y,
    )
    # then
    assert status == 200
    assert [c["id"] for c in body] == [near.pk]
    assert "reporter" not in body[0]


def test_duplicates_of_a_sensitive_category_show_only_cases_the_user_may_open(people, categories):
    dispute = reported(people, categories, category="dispute")
    point = grid_centre(GRID)
    query = {"category": "1302", "lon": point.x, "lat": point.y}
    _, strangers = get_json(bearer_client(people["other_resident"]), "/cases/duplicates", **query)
    _, staff = get_json(bearer_client(people["supervisor"]), "/cases/duplicates", **query)
    assert strangers == []
    assert [c["id"] for c in staff] == [dispute.pk]


# --- 即办 ------------------------------------------------------------------------------------


def on_spot_form(**overrides) -> dict:
    point = grid_centre(GRID)
    form = {
        "client_id": str(uuid.uuid4()),
        "category": "1301",
        "description": "店外堆物",
        "note": "已当场清理",
        "lon": point.x,
        "lat": point.y,
        "before": [upload("before.jpg", image_bytes("JPEG"))],
        "after": [upload("after.webp", image_bytes("WEBP"))],
    }
    form.update(overrides)
    return form


def test_a_grid_worker_reports_and_closes_on_the_spot(people, categories):
    phone = bearer_client(people["worker"])
    form = on_spot_form()
    response = phone.post(f"{API}/cases/on-spot", form)
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["state"] == CaseState.CLOSED and case["handled_on_spot"] is True
    assert sorted(p["stage"] for p in case["photos"]) == ["after", "before"]
    assert [e["action"] for e in case["timeline"]] == ["report", "on_spot"]
    form["before"], form["after"] = (
        [upload("b.jpg", image_bytes("JPEG"))],
        [upload("a.jpg", image_bytes("JPEG"))],
    )
    retry = phone.post(f"{API}/cases/on-spot", form)
    assert retry.status_code == 200 and retry.json()["id"] == case["id"]


def test_on_the_spot_needs_both_photos(people, categories):
    response = bearer_client(people["worker"]).post(f"{API}/cases/on-spot", on_spot_form(after=[]))
    assert_problem(response, 422, "即办需要处置前和处置后的照片。")
    assert not Case.objects.exists()


@pytest.mark.parametrize("missing", ["lat", "lon"])
def test_on_the_spot_with_half_a_position_is_a_422_in_chinese(people, categories, missing):
    form = on_spot_form()
    del form[missing]
    response = bearer_client(people["worker"]).post(f"{API}/cases/on-spot", form)
    assert assert_problem(response, 422, "经度和纬度须同时提供。")["field"] == missing
    assert not Case.objects.exists()


def test_a_resident_cannot_handle_on_the_spot(people, categories):
    response = bearer_client(people["resident"]).post(f"{API}/cases/on-spot", on_spot_form())
    assert_problem(response, 403)
    assert not Case.objects.exists()


def test_report_accepts_a_phone_photo_in_png_and_keeps_it_small(people, categories):
    phone = bearer_client(people["resident"])
    _, case = post_json(phone, "/cases", report_body())
    big = io.BytesIO()
    Image.new("RGB", (4000, 3000), (1, 2, 3)).save(big, "PNG")
    response = phone.post(
        f"{API}/cases/{case['id']}/photos", {"photos": [upload("big.png", big.getvalue())]}
    )
    assert response.status_code == 201
    assert (response.json()["photos"][0]["width"], response.json()["photos"][0]["height"]) == (
        2048,
        1536,
    )


def test_a_report_costs_one_grid_lookup_and_a_bounded_number_of_queries(
    people, categories, django_assert_max_num_queries
):
    phone = bearer_client(people["resident"])
    post_json(phone, "/cases", report_body())  # the token's first use is written once
    with django_assert_max_num_queries(14) as queries:
        status, _ = post_json(phone, "/cases", report_body())
    assert status == 201
    # the lookup reads grid_area through its spatial index (R*Tree join or ST_Intersects)
    grid_lookups = [
        q
        for q in queries.captured_queries
        if '"grid_area"' in q["sql"] and "Intersects" in q["sql"]
    ]
    assert len(grid_lookups) == 1


def test_a_busy_database_answers_503_with_retry_after_not_500(rf):
    from django.db.utils import OperationalError

    from config.api import database_busy

    response = database_busy(rf.post("/api/v1/cases"), OperationalError("database is locked"))
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response["Content-Type"] == "application/problem+json"
    assert "稍后重试" in json.loads(response.content)["detail"]


def test_other_database_failures_are_not_disguised_as_busy(rf):
    from django.db.utils import OperationalError

    from config.api import database_busy

    with pytest.raises(OperationalError):
        database_busy(rf.post("/api/v1/cases"), OperationalError("disk I/O error"))
