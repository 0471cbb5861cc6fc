"""Open311 GeoReport v2: each method in JSON and XML, and a client filing then reading."""

import datetime as dt
import io
import uuid

import pytest
from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import Role
from accounts.tokens import token_issue
from feedback import services
from feedback.models import Case, CasePhoto, CaseSource, CaseState, Priority
from feedback.photos import prepare
from grid import services as grid_services
from tests.factories import grid_centre, user_with_role
from tests.feedback.conftest import GRID
from tests.feedback.flows import closed, dispatched, registered, reported
from tests.feedback.photos import jpeg_with_gps

V2 = "/open311/v2"


@pytest.fixture
def api_key(areas, categories):
    """The key of a district hotline app's account, as an administrator issues it."""
    app = user_with_role(Role.CLERK, areas["310101"], username="hotline-app")
    return token_issue(user=app, label="12345 热线")


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ElementTree.fromstring(response.content)


def form(key: str, **overrides) -> dict:
    point = grid_centre(GRID)
    data = {
        "api_key": key,
        "service_code": "1301",
        "lat": str(point.y),
        "long": str(point.x),
        "address_string": "测试路 8 号",
        "description": "路口有流动摊贩占道经营",
        "first_name": "三",
        "last_name": "张",
        "email": "zhangsan@example.com",
        "phone": "13800138000",
    }
    data.update(overrides)
    return data


def file(key: str, fmt: str = "json", **overrides):
    return Client().post(f"{V2}/requests.{fmt}", form(key, **overrides))


# --- discovery and services ----------------------------------------------------------------


def test_discovery_in_json_and_xml(categories):
    body = Client().get(f"{V2}/discovery.json").json()
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(Client().get(f"{V2}/discovery.xml"))
    assert root.tag == "discovery"
    formats = root.findall("./endpoints/endpoint/formats/format")
    assert [f.text for f in formats] == ["text/xml", "application/json"]


def test_services_are_the_leaf_categories_grouped_by_their_parent(categories):
    body = Client().get(f"{V2}/services.json").json()
    services_by_code = {s["service_code"]: s for s in body}
    assert sorted(services_by_code) == ["0201", "1301", "1302"]
    stall = services_by_code["1301"]
    assert stall["service_name"] == "占道经营"
    assert (stall["group"], stall["type"], stall["metadata"]) == ("街面秩序", "realtime", True)
    assert stall["keywords"] == "事件,街面秩序"
    assert "不公开" in services_by_code["1302"]["description"]


def test_services_in_xml(categories):
    root = xml(Client().get(f"{V2}/services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert (first.findtext("service_code"), first.findtext("metadata")) == ("0201", "true")


def test_a_service_definition_lists_its_attributes(categories):
    body = Client().get(f"{V2}/services/0201.json").json()
    assert body["service_code"] == "0201"
    condition, urgency = body["attributes"]
    assert (condition["code"], condition["datatype"], condition["order"]) == (
        "condition",
        "singlevaluelist",
        1,
    )
    assert {"key": "missing", "name": "缺失"} in condition["values"]
    assert [v["key"] for v in urgency["values"]] == ["normal", "urgent"]
    root = xml(Client().get(f"{V2}/services/1301.xml"))
    assert root.tag == "service_definition"
    codes = [a.findtext("code") for a in root.findall("./attributes/attribute")]
    assert codes == ["ongoing", "urgency"]
    keys = root.findall("./attributes/attribute[code='ongoing']/values/value/key")
    assert [k.text for k in keys] == ["yes", "no"]


@pytest.mark.parametrize("code", ["13", "9999"])
def test_an_unknown_service_or_a_parent_category_is_a_404_error_list(categories, code):
    response = Client().get(f"{V2}/services/{code}.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": f"服务代码 {code} 不存在。"}]
    root = xml(Client().get(f"{V2}/services/{code}.xml"))
    assert (root.tag, root.findtext("error/code")) == ("errors", "404")


# --- a client files a request and reads it back --------------------------------------------


def test_a_client_files_a_request_and_reads_it_in_json_and_xml(api_key, categories, people):
    # when
    response = file(api_key)
    # then
    assert response.status_code == 200
    [created] = response.json()
    case = Case.objects.get(pk=created["service_request_id"])
    assert case.number in created["service_notice"]
    assert (case.source, case.contact_name, case.reporter_name, case.state) == (
        CaseSource.OPEN311,
        "张三",
        "",
        CaseState.REPORTED,
    )
    # an unscreened request is not public; staff register it
    assert Client().get(f"{V2}/requests/{case.pk}.json").status_code == 404
    services.case_register(actor=people["supervisor"], case_id=case.pk)
    [read] = Client().get(f"{V2}/requests/{case.pk}.json").json()
    assert read["service_request_id"] == case.pk
    assert (read["status"], read["service_code"], read["service_name"]) == (
        "open",
        "1301",
        "占道经营",
    )
    assert read["description"] == "路口有流动摊贩占道经营"
    assert read["address"] == "测试路 8 号"
    assert read["expected_datetime"] == timezone.localtime(case.due_at).isoformat("T", "seconds")
    assert read["requested_datetime"].endswith("+08:00")
    assert read["lat"] == pytest.approx(grid_centre(GRID).y)
    root = xml(Client().get(f"{V2}/requests/{case.pk}.xml"))
    request = root.find("request")
    assert root.tag == "service_requests"
    assert request.findtext("service_request_id") == str(case.pk)
    assert request.findtext("status") == "open"
    assert request.findtext("description") == read["description"]
    assert float(request.findtext("long")) == pytest.approx(read["long"])


def test_the_reporters_identity_is_never_returned(api_key, categories):
    created = file(api_key).json()[0]["service_request_id"]
    answers = [
        Client().get(f"{V2}/requests/{created}.json").content,
        Client().get(f"{V2}/requests/{created}.xml").content,
        Client().get(f"{V2}/requests.json").content,
    ]
    for answer in answers:
        text = answer.decode()
        for secret in ("张三", "zhangsan@example.com", "13800138000", "hotline-app"):
            assert secret not in text


def test_filing_in_xml_answers_in_xml(api_key, categories):
    response = file(api_key, "xml")
    root = xml(response)
    assert root.tag == "service_requests"
    case_id = int(root.findtext("request/service_request_id"))
    assert Case.objects.filter(pk=case_id, source=CaseSource.OPEN311).exists()


def test_attributes_set_the_priority_and_join_the_description(api_key, categories):
    response = file(
        api_key,
        **{"service_code": "0201", "attribute[condition]": "missing"},
        **{"attribute[urgency]": "urgent"},
    )
    case = Case.objects.get(pk=response.json()[0]["service_request_id"])
    assert case.priority == Priority.URGENT
    assert case.description.splitlines()[1:] == ["部件状况：缺失", "紧急程度：紧急（危及安全）"]


def test_a_retry_with_the_same_client_id_returns_the_first_request_and_its_token(
    api_key, categories
):
    client_id = str(uuid.uuid4())
    first = file(api_key, client_id=client_id).json()[0]["service_request_id"]
    again = file(api_key, client_id=client_id).json()[0]["service_request_id"]
    assert first == again and Case.objects.count() == 1
    assert Client().get(f"{V2}/tokens/{client_id}.json").json() == [
        {"service_request_id": first, "token": client_id}
    ]
    root = xml(Client().get(f"{V2}/tokens/{client_id}.xml"))
    assert root.findtext("request/service_request_id") == str(first)
    assert root.findtext("request/token") == client_id
    assert Client().get(f"{V2}/tokens/{uuid.uuid4()}.json").status_code == 404


def test_an_address_matching_one_building_gives_the_location(api_key, categories, areas):
    building = grid_services.building_save(address="幸福路 12 号", location=grid_centre(GRID))
    response = file(api_key, lat="", long="", address_string="幸福路 12")
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=response.json()[0]["service_request_id"])
    assert (case.area_code, case.location.x) == (GRID, building.location.x)
    by_id = file(api_key, lat="", long="", address_string="", address_id=str(building.pk))
    assert by_id.status_code == 200


def test_media_is_uploaded_without_exif_and_linked_as_media_url(api_key, categories, people):
    photo = SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = Client().post(f"{V2}/requests.json", {**form(api_key), "media": photo})
    assert response.status_code == 200, response.content
    stored = CasePhoto.objects.get()
    assert not Image.open(stored.image.open("rb")).getexif().get_ifd(0x8825)
    services.case_register(actor=people["supervisor"], case_id=stored.case_id)
    [read] = Client().get(f"{V2}/requests/{stored.case_id}.json").json()
    assert read["media_url"] == f"http://testserver{V2}/photos/{stored.pk}.jpg"
    served = Client().get(read["media_url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert not picture.getexif().get_ifd(0x8825)


def with_photos(people, categories, n: int = 1, screened: bool = True, **kwargs) -> Case:
    """A case with photos, registered (public) unless `screened` is False."""
    photos = [prepare(jpeg_with_gps(size=(800 + i, 600))) for i in range(n)]
    flow = registered if screened else reported
    return flow(people, categories, photos=photos, **kwargs)


def test_no_open311_answer_links_to_media(people, categories):
    case = with_photos(people, categories)
    for path in ("requests.json", "requests.xml", f"requests/{case.pk}.json"):
        response = Client().get(f"{V2}/{path}")
        assert response.status_code == 200
        assert str(case.pk).encode() in response.content
        assert b"/media/" not in response.content, path
    root = xml(Client().get(f"{V2}/requests/{case.pk}.xml"))
    photo = case.photos.get()
    assert root.findtext("request/media_url") == f"http://testserver{V2}/photos/{photo.pk}.jpg"


def test_the_photo_of_a_case_that_becomes_hidden_is_404(people, categories):
    case = with_photos(people, categories)
    url = f"{V2}/photos/{case.photos.get().pk}.jpg"
    assert Client().get(url).status_code == 200
    services.case_hide(actor=people["supervisor"], case_id=case.pk, reason="照片含人脸")
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize("made", ["sensitive", "rejected", "unscreened", "second_photo"])
def test_photos_the_public_may_not_see_are_404(people, categories, made):
    case = with_photos(
        people,
        categories,
        n=2,
        screened=made not in ("rejected", "unscreened"),
        category="dispute" if made == "sensitive" else "stall",
    )
    if made == "rejected":
        services.case_reject(actor=people["supervisor"], case_id=case.pk, reason="重复")
    first, second = case.photos.order_by("id")
    photo = second if made == "second_photo" else first
    assert Client().get(f"{V2}/photos/{photo.pk}.jpg").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "status", "description"),
    [
        ({"api_key": ""}, 400, "缺少 api_key。"),
        ({"api_key": "not-a-key"}, 403, "api_key 无效或已被吊销。"),
        ({"service_code": "9999"}, 400, "服务代码 9999 不存在。"),
        ({"service_code": ""}, 400, "缺少 service_code。"),
        ({"lat": "", "long": "", "address_string": "月球路 1 号"}, 400, None),
        ({"lat": "1.0", "long": "1.0"}, 400, "该位置不在任何网格内，请在地图上重新选择。"),
        ({"lat": "north"}, 400, "lat 和 long 应为数字（WGS84）。"),
        ({"attribute[ongoing]": "maybe"}, 400, "属性 ongoing 的取值 maybe 无效。"),
        ({"attribute[colour]": "red"}, 400, "未知属性：colour。"),
        ({"description": ""}, 400, "请描述问题。"),
        ({"description": "a\x00b"}, 400, "请求中含有控制字符。"),
        ({"client_id": "abc"}, 400, "client_id 应为 UUID。"),
    ],
)
def test_a_bad_request_is_an_error_list_and_files_nothing(
    api_key, categories, overrides, status, description
):
    response = file(api_key, **overrides)
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status
    if description:
        assert error["description"] == description
    else:
        assert error["description"].startswith("需要位置")
    assert not Case.objects.exists()


def test_an_error_in_xml_is_an_errors_document(api_key, categories):
    response = file("wrong", "xml")
    assert response.status_code == 403
    root = xml(response)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "403"
    assert root.findtext("error/description") == "api_key 无效或已被吊销。"


def test_a_bad_media_file_is_a_400(api_key, categories):
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = Client().post(f"{V2}/requests.json", {**form(api_key), "media": bad})
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("文件 x.jpg 不是可识别的照片")


def test_a_key_of_an_account_without_a_reporting_role_there_is_403(categories, areas):
    handler_key = token_issue(user=user_with_role(Role.HANDLER, areas["310101"]), label="部门系统")
    response = file(handler_key)
    assert response.status_code == 403
    assert response.json()[0]["description"] == "您不能在该网格上报事件。"


# --- reading: status, notes, filters -------------------------------------------------------


def test_status_notes_are_a_fixed_text_of_the_state_never_a_staff_note(people, categories):
    case = dispatched(people, categories)
    [read] = Client().get(f"{V2}/requests/{case.pk}.json").json()
    assert read["agency_responsible"] == "城管局"
    assert (read["status"], read["status_notes"]) == ("open", "已派遣至职能部门处置。")
    services.case_handle(actor=people["handler"], case_id=case.pk, note="已劝离摊贩王某")
    response = Client().get(f"{V2}/requests/{case.pk}.json")
    [read] = response.json()
    assert read["status_notes"] == "已处置，等待网格员核查。"
    assert "王某" not in response.content.decode()


def test_closed_cases_are_closed_and_rejected_withdrawn_merged_ones_not_public(people, categories):
    # given
    done = closed(people, categories)
    refused = reported(people, categories)
    services.case_reject(
        actor=people["supervisor"], case_id=refused.pk, reason="反映人李某重复反映"
    )
    withdrawn = reported(people, categories)
    services.case_withdraw(actor=people["resident"], case_id=withdrawn.pk, reason="私人原因")
    master, duplicate = registered(people, categories), registered(people, categories)
    services.case_merge(
        actor=people["supervisor"], case_id=duplicate.pk, master_id=master.pk, note="同一摊贩"
    )
    # when
    ids = f"{done.pk},{refused.pk},{withdrawn.pk},{duplicate.pk},{master.pk}"
    response = Client().get(f"{V2}/requests.json", {"service_request_id": ids})
    # then
    rows = {row["service_request_id"]: row for row in response.json()}
    assert sorted(rows) == sorted([done.pk, master.pk])
    assert (rows[done.pk]["status"], rows[done.pk]["status_notes"]) == ("closed", "已办结。")
    assert rows[done.pk]["expected_datetime"] is None
    assert "李某" not in response.content.decode()
    listed = [r["service_request_id"] for r in Client().get(f"{V2}/requests.json").json()]
    assert sorted(listed) == sorted([done.pk, master.pk])
    for case in (refused, withdrawn, duplicate):
        assert Client().get(f"{V2}/requests/{case.pk}.json").status_code == 404


def test_hidden_and_sensitive_cases_are_not_public(people, categories):
    hidden = registered(people, categories)
    services.case_hide(actor=people["supervisor"], case_id=hidden.pk, reason="含隐私")
    dispute = registered(people, categories, category="dispute")
    shown = registered(people, categories)
    assert [r["service_request_id"] for r in Client().get(f"{V2}/requests.json").json()] == [
        shown.pk
    ]
    for case in (hidden, dispute):
        response = Client().get(f"{V2}/requests/{case.pk}.json")
        assert response.status_code == 404
        assert response.json()[0]["code"] == 404
    ids = f"{hidden.pk},{dispute.pk}"
    assert Client().get(f"{V2}/requests.json", {"service_request_id": ids}).json() == []


def test_requests_filter_by_service_code_and_status(people, categories):
    stall = registered(people, categories)
    manhole = registered(people, categories, category="manhole")
    done = closed(people, categories)

    def listed(**params):
        body = Client().get(f"{V2}/requests.json", params).json()
        return sorted(row["service_request_id"] for row in body)

    assert listed(service_code="0201") == [manhole.pk]
    assert listed(service_code="0201,1301") == sorted([stall.pk, manhole.pk, done.pk])
    assert listed(status="open") == sorted([stall.pk, manhole.pk])
    assert listed(status="closed") == [done.pk]
    assert listed(status="open,closed") == sorted([stall.pk, manhole.pk, done.pk])


def test_requests_default_to_the_last_90_days_and_take_a_date_range(people, categories):
    old = registered(people, categories)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    recent = registered(people, categories)

    def listed(**params):
        return [r["service_request_id"] for r in Client().get(f"{V2}/requests.json", params).json()]

    assert listed() == [recent.pk]
    start = (timezone.now() - dt.timedelta(days=120)).isoformat()
    end = (timezone.now() - dt.timedelta(days=95)).isoformat()
    assert listed(start_date=start, end_date=end) == [old.pk]
    assert listed(start_date="2020-01-01T00:00:00Z", end_date="2020-02-01T00:00:00Z") == []


def test_requests_page_through_newest_first(people, categories):
    made = [registered(people, categories) for _ in range(3)]
    page1 = Client().get(f"{V2}/requests.json", {"page_size": 2}).json()
    page2 = Client().get(f"{V2}/requests.json", {"page_size": 2, "page": 2}).json()
    assert [r["service_request_id"] for r in page1 + page2] == [c.pk for c in reversed(made)]
    root = xml(Client().get(f"{V2}/requests.xml", {"page_size": 2}))
    assert len(root.findall("request")) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "1001"},
        {"page": "0"},
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"service_request_id": "1,abc"},
    ],
)
def test_bad_query_parameters_are_a_400_error_list(categories, params):
    response = Client().get(f"{V2}/requests.json", params)
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    assert xml(Client().get(f"{V2}/requests.xml", params)).tag == "errors"


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"end_date": "0001-01-01T00:00:00Z"}, "end_date"),
        ({"start_date": "9999-12-31T23:00:00-08:00"}, "start_date"),
        ({"start_date": "1999-12-31T00:00:00+08:00"}, "start_date"),
        ({"start_date": "2020-01-01T00:00:00Z", "end_date": "2101-01-01T00:00:00Z"}, "end_date"),
    ],
)
def test_dates_outside_2000_to_2100_are_a_400_error_list(categories, params, name):
    response = Client().get(f"{V2}/requests.json", params)
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": f"{name} 应在 2000 年至 2100 年之间。"}]
    assert xml(Client().get(f"{V2}/requests.xml", params)).tag == "errors"


def test_xml_escapes_what_the_reporter_typed(api_key, categories, people):
    text = '井盖 <b>丢了</b> & "没人管" ]]> <!ENTITY x>'
    created = file(api_key, description=text).json()[0]["service_request_id"]
    services.case_register(actor=people["supervisor"], case_id=created)
    response = Client().get(f"{V2}/requests/{created}.xml")
    assert b"<b>" not in response.content
    assert xml(response).findtext("request/description") == text


def test_an_unknown_format_or_method_is_refused(categories):
    assert Client().get(f"{V2}/services.csv").status_code == 404
    assert Client().put(f"{V2}/requests.json").status_code == 405
