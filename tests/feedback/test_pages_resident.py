"""The resident's pages: report, my cases, the detail with its timeline, rate, reopen,
withdraw, the community's public cases, photos and duplicate suggestions."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from feedback import services
from feedback.models import Case, CaseState
from tests.factories import grid_centre, user_with_role
from tests.feedback.conftest import GRID
from tests.feedback.flows import closed, registered, reported
from tests.feedback.pages import jpeg, not_a_photo, report_data

REPORT = reverse("feedback:report")


@pytest.fixture
def resident(client, people):
    client.force_login(people["resident"])
    return people["resident"]


def test_report_form_carries_a_fresh_client_id_and_the_two_level_categories(
    client, resident, categories
):
    response = client.get(REPORT)
    assert response.status_code == 200
    form = response.context["form"]
    uuid.UUID(str(form["client_id"].value()))
    assert '<optgroup label="部件 · 道路交通">' in response.text
    assert "井盖破损" in response.text and 'capture="environment"' in response.text
    assert 'accept="image/*"' in response.text and 'id="report-map"' in response.text


def test_resident_reports_a_case_with_a_photo_on_the_map(client, resident, categories):
    # when
    data = report_data(categories["manhole"], photos=[jpeg("a.jpg"), jpeg("b.jpg")])
    response = client.post(REPORT, data)
    # then
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:detail", args=[case.pk])
    assert case.reporter == resident and case.state == CaseState.REPORTED
    assert case.source == "resident" and case.area_code == GRID
    assert case.photos.count() == 2


def test_a_retried_submit_with_the_same_client_id_makes_no_second_case(
    client, resident, categories
):
    data = report_data(categories["manhole"])
    first = client.post(REPORT, data)
    second = client.post(REPORT, data)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_bad_photo_shows_the_chinese_error_and_keeps_what_was_typed(client, resident, categories):
    data = report_data(categories["manhole"], description="路灯不亮已经三天")
    response = client.post(REPORT, data | {"photos": [not_a_photo("scan.pdf")]})
    assert response.status_code == 422
    assert "不是可识别的照片" in response.text
    assert "路灯不亮已经三天" in response.text
    assert f'value="{data["client_id"]}"' in response.text
    assert Case.objects.count() == 0


def test_without_a_point_the_address_and_grid_are_asked_for(client, resident, categories):
    data = report_data(categories["manhole"], lon="", lat="")
    response = client.post(REPORT, data)
    assert response.status_code == 422
    assert "请在地图上点选位置，或填写地址并选择所在网格" in response.text


def test_without_gps_a_typed_address_and_a_chosen_grid_make_the_report(
    client, resident, categories
):
    data = report_data(categories["manhole"], lon="", lat="", address="幸福路 8 号", grid_code=GRID)
    response = client.post(REPORT, data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.location is None and case.grid.code == GRID and case.address == "幸福路 8 号"


def test_a_point_outside_every_grid_is_refused_inline(client, resident, categories):
    data = report_data(categories["manhole"], lon="100.0", lat="20.0")
    response = client.post(REPORT, data)
    assert response.status_code == 422
    assert "该位置不在任何网格内" in response.text


def test_a_handler_may_not_report(client, people, categories):
    client.force_login(people["handler"])
    response = client.get(REPORT)
    assert response.status_code == 403
    assert "您的角色不能使用此页面" in response.text


def test_duplicates_are_suggested_for_the_same_category_nearby(
    client, resident, people, categories
):
    # given an open case of the category at the grid's centre, and one of another category
    existing = registered(people, categories, category="manhole", reporter="other_resident")
    registered(people, categories, category="stall", reporter="other_resident")
    point = grid_centre(GRID)
    # when the resident places a point 10 m away
    query = {"category": categories["manhole"].pk, "lon": point.x + 0.0001, "lat": point.y}
    body = client.get(reverse("feedback:duplicates"), query).json()
    # then
    assert [c["number"] for c in body["cases"]] == [existing.number]
    assert 5 <= body["cases"][0]["metres"] <= 15


def test_duplicates_of_a_sensitive_category_are_not_shown_to_residents(
    client, resident, people, categories
):
    reported(people, categories, category="dispute", reporter="other_resident")
    point = grid_centre(GRID)
    query = {"category": categories["dispute"].pk, "lon": point.x, "lat": point.y}
    assert client.get(reverse("feedback:duplicates"), query).json() == {"cases": []}


def test_my_cases_lists_my_reports_with_their_state(client, resident, people, categories):
    mine = registered(people, categories)
    others = reported(people, categories, reporter="other_resident")
    response = client.get(reverse("feedback:mine"))
    assert response.status_code == 200
    assert mine.number in response.text and "待派遣" in response.text
    assert others.number not in response.text


def test_detail_shows_the_timeline_in_chinese_with_photo_thumbnails(
    client, resident, people, categories
):
    client.post(REPORT, report_data(categories["manhole"], photos=[jpeg()]))
    case = Case.objects.get()
    services.case_register(actor=people["supervisor"], case_id=case.pk)
    response = client.get(reverse("feedback:detail", args=[case.pk]))
    photo = case.photos.get()
    assert response.status_code == 200
    assert "上报" in response.text and "立案" in response.text and "办理过程" in response.text
    thumb = reverse("feedback:photo", args=[case.pk, photo.pk, "thumb"])
    assert thumb in response.text
    image = client.get(thumb)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_a_resident_of_a_neighbouring_area_gets_404_on_a_case_and_its_photos(
    client, people, categories, areas
):
    case = reported(people, categories, photos=[], category="manhole")
    stranger = user_with_role(Role.RESIDENT, areas["310101002001"])
    client.force_login(stranger)
    assert client.get(reverse("feedback:detail", args=[case.pk])).status_code == 404
    response = client.post(reverse("feedback:withdraw", args=[case.pk]))
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == CaseState.REPORTED


def test_resident_rates_a_closed_case(client, resident, people, categories):
    case = closed(people, categories)
    url = reverse("feedback:detail", args=[case.pk])
    assert 'id="action-rate"' in client.get(url).text
    response = client.post(
        reverse("feedback:rate", args=[case.pk]), {"rating": "basic", "comment": "还算及时"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.rating == "basic" and case.rating_comment == "还算及时"
    assert "基本满意" in client.get(url).text


def test_unsatisfied_without_a_comment_is_refused_and_the_choice_kept(
    client, resident, people, categories
):
    case = closed(people, categories)
    response = client.post(reverse("feedback:rate", args=[case.pk]), {"rating": "unsatisfied"})
    assert response.status_code == 422
    assert "不满意时请填写意见" in response.text
    assert 'value="unsatisfied" required id="id_rating_2" checked' in response.text


def test_only_the_reporter_may_rate(client, people, categories):
    case = closed(people, categories)
    client.force_login(people["worker"])
    response = client.post(reverse("feedback:rate", args=[case.pk]), {"rating": "satisfied"})
    assert response.status_code == 403
    assert "只有反映人本人可以执行此操作" in response.text


def test_resident_reopens_within_the_window(client, resident, people, categories):
    case = closed(people, categories)
    response = client.post(reverse("feedback:reopen", args=[case.pk]), {"reason": "井盖又松了"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED and case.reopen_count == 1


def test_reopen_after_the_window_is_refused_with_409(
    client, resident, people, categories, settings
):
    case = closed(people, categories)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=30))
    page = client.get(reverse("feedback:detail", args=[case.pk])).text
    assert 'id="action-reopen"' not in page
    response = client.post(reverse("feedback:reopen", args=[case.pk]), {"reason": "又坏了"})
    assert response.status_code == 409
    assert "不能重新办理" in response.text


def test_resident_withdraws_a_case_not_yet_dispatched(client, resident, people, categories):
    case = reported(people, categories)
    response = client.post(reverse("feedback:withdraw", args=[case.pk]), {"note": "已自行解决"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.WITHDRAWN


def test_public_cases_hide_the_reporter_and_sensitive_categories(
    client, resident, people, categories
):
    # given a public case, a sensitive one and a hidden one, reported by a neighbour
    people["other_resident"].display_name = "赵邻居"
    people["other_resident"].save(update_fields=["display_name"])
    public = registered(people, categories, reporter="other_resident")
    sensitive = registered(people, categories, category="dispute", reporter="other_resident")
    hidden = registered(people, categories, reporter="other_resident")
    services.case_hide(actor=people["supervisor"], case_id=hidden.pk, reason="含个人信息")
    # when
    response = client.get(reverse("feedback:public"))
    detail = client.get(reverse("feedback:public_detail", args=[public.pk]))
    # then
    assert public.number in response.text
    assert sensitive.number not in response.text and hidden.number not in response.text
    assert detail.status_code == 200
    assert "赵邻居" not in detail.text and "赵邻居" not in response.text
    assert "反映人" not in detail.text
    sensitive_url = reverse("feedback:public_detail", args=[sensitive.pk])
    assert client.get(sensitive_url).status_code == 404


@pytest.mark.parametrize("lat", ["inf", "nan", "1e999", "91"])
def test_duplicates_for_a_point_off_the_globe_are_refused_in_chinese(
    client, resident, people, categories, lat
):
    point = grid_centre(GRID)
    query = {"category": categories["manhole"].pk, "lon": point.x, "lat": lat}
    response = client.get(reverse("feedback:duplicates"), query)
    assert response.status_code == 422
    assert response.json()["cases"] == [] and "经纬度" in response.json()["message"]


def test_a_follower_of_a_merged_case_does_not_learn_who_reported_the_master(
    client, people, categories
):
    # given the resident's named report, and a duplicate by a neighbour merged into it
    people["resident"].display_name = "王小明"
    people["resident"].save(update_fields=["display_name"])
    master = registered(people, categories)
    duplicate = reported(people, categories, reporter="other_resident")
    services.case_merge(actor=people["supervisor"], case_id=duplicate.pk, master_id=master.pk)
    # when the neighbour, now a follower, opens the master
    client.force_login(people["other_resident"])
    response = client.get(reverse("feedback:detail", args=[master.pk]))
    # then the case is readable but its reporter is not named, on top or in the timeline
    assert response.status_code == 200 and master.number in response.text
    assert "王小明" not in response.text


def test_duplicates_at_the_pole_and_the_date_line_are_simply_none(
    client, resident, people, categories
):
    reported(people, categories, category="manhole")
    for lon, lat in ((0, 90), (180, -90), (-180, 0)):
        query = {"category": categories["manhole"].pk, "lon": lon, "lat": lat}
        response = client.get(reverse("feedback:duplicates"), query)
        assert response.status_code == 200 and response.json() == {"cases": []}, (lon, lat)
