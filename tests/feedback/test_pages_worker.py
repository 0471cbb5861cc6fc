"""The grid worker's pages: report on patrol, handle on the spot, verify, my grid's cases."""

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import Case, CaseState
from tests.factories import grid_centre
from tests.feedback.conftest import GRID
from tests.feedback.flows import handled, registered, reported
from tests.feedback.pages import jpeg, not_a_photo, report_data

ON_SPOT = reverse("feedback:on_spot")
DUPLICATES = reverse("feedback:duplicates")


@pytest.fixture
def worker(client, people):
    client.force_login(people["worker"])
    return people["worker"]


def test_a_grid_worker_report_is_a_patrol_report(client, worker, categories):
    response = client.post(reverse("feedback:report"), report_data(categories["stall"]))
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.source == "patrol" and case.reporter == worker


def test_handled_on_the_spot_in_one_step_with_photos_before_and_after(client, worker, categories):
    # when
    data = report_data(categories["stall"]) | {
        "note": "已劝离摊贩并清扫",
        "before": [jpeg("before.jpg")],
        "after": [jpeg("after1.jpg"), jpeg("after2.jpg")],
    }
    response = client.post(ON_SPOT, data)
    # then
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.state == CaseState.CLOSED and case.handled_on_spot
    assert case.photos.filter(stage="before").count() == 1
    assert case.photos.filter(stage="after").count() == 2
    page = client.get(reverse("feedback:detail", args=[case.pk])).text
    assert "即办结案" in page and "已劝离摊贩并清扫" in page


def test_on_the_spot_without_an_after_photo_keeps_the_typed_text(client, worker, categories):
    data = report_data(categories["stall"], description="占道堆物") | {
        "note": "已清理",
        "before": [jpeg()],
    }
    response = client.post(ON_SPOT, data)
    assert response.status_code == 422
    assert "占道堆物" in response.text and "已清理" in response.text
    assert Case.objects.count() == 0


def test_on_the_spot_with_a_bad_after_photo_says_why(client, worker, categories):
    data = report_data(categories["stall"]) | {
        "note": "已清理",
        "before": [jpeg()],
        "after": [not_a_photo("after.heic")],
    }
    response = client.post(ON_SPOT, data)
    assert response.status_code == 422
    assert "after.heic" in response.text and "不是可识别的照片" in response.text


def test_a_resident_may_not_handle_on_the_spot(client, people, categories):
    client.force_login(people["resident"])
    assert client.get(ON_SPOT).status_code == 403


def test_verification_queue_lists_handled_cases_of_my_grid(client, worker, people, categories):
    waiting = handled(people, categories)
    not_yet = reported(people, categories)
    response = client.get(reverse("feedback:verify_queue"))
    assert waiting.number in response.text and not_yet.number not in response.text


def test_verification_passes_and_closes(client, worker, people, categories):
    case = handled(people, categories)
    assert 'id="action-verify"' in client.get(reverse("feedback:detail", args=[case.pk])).text
    response = client.post(reverse("feedback:verify", args=[case.pk]), {"passed": "1"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.CLOSED


def test_a_failed_verification_needs_a_note(client, worker, people, categories):
    case = handled(people, categories)
    url = reverse("feedback:verify", args=[case.pk])
    refused = client.post(url, {"passed": "0"})
    assert refused.status_code == 422
    assert "核查不通过时请说明原因" in refused.text
    response = client.post(url, {"passed": "0", "note": "摊贩仍在"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == CaseState.DISPATCHED


def test_the_worker_of_a_neighbouring_grid_gets_404(client, people, categories):
    case = handled(people, categories)
    client.force_login(people["neighbour_worker"])
    assert client.get(reverse("feedback:detail", args=[case.pk])).status_code == 404
    response = client.post(reverse("feedback:verify", args=[case.pk]), {"passed": "1"})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).state == CaseState.HANDLED


def test_verifying_twice_is_a_conflict_shown_on_the_page(client, worker, people, categories):
    case = handled(people, categories)
    url = reverse("feedback:verify", args=[case.pk])
    client.post(url, {"passed": "1"})
    response = client.post(url, {"passed": "1"})
    assert response.status_code == 409
    assert "不能执行此操作" in response.text


def test_my_grid_cases_can_be_filtered_by_state(client, worker, people, categories):
    open_case = reported(people, categories)
    done = handled(people, categories)
    response = client.get(reverse("feedback:grid_cases"), {"state": "handled"})
    assert done.number in response.text and open_case.number not in response.text


def duplicates_at_the_grid_centre(client, category) -> list[str]:
    point = grid_centre(GRID)
    query = {"category": category.pk, "lon": point.x, "lat": point.y}
    return [c["number"] for c in client.get(DUPLICATES, query).json()["cases"]]


def test_duplicate_hints_give_others_only_public_cases_of_their_own_community(
    client, people, categories
):
    # given a sensitive case and a hidden one in GRID, and a public one next to them
    sensitive = registered(people, categories, category="dispute")
    hidden = registered(people, categories)
    services.case_hide(actor=people["supervisor"], case_id=hidden.pk, reason="含个人信息")
    public = registered(people, categories)
    # when the worker of the next street asks for duplicates there, nothing is suggested:
    # not even a public case, which lies outside every community they read
    client.force_login(people["neighbour_worker"])
    assert duplicates_at_the_grid_centre(client, categories["dispute"]) == []
    assert duplicates_at_the_grid_centre(client, categories["stall"]) == []
    # a resident of the community, who cannot open the others' cases, gets the public one
    client.force_login(people["other_resident"])
    assert duplicates_at_the_grid_centre(client, categories["dispute"]) == []
    assert duplicates_at_the_grid_centre(client, categories["stall"]) == [public.number]
    # while the worker of GRID, who may open them, is suggested all of them
    client.force_login(people["worker"])
    assert duplicates_at_the_grid_centre(client, categories["dispute"]) == [sensitive.number]
    assert set(duplicates_at_the_grid_centre(client, categories["stall"])) == {
        hidden.number,
        public.number,
    }
