"""The notice pages in English: every word of the page's own is translated; only what
people wrote (titles, area names, file names) stays as it was written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notices import services
from tests.notices.conftest import COMMUNITY, PDF, pdf, publish
from tests.test_i18n import chinese_chrome, english_page

pytestmark = pytest.mark.django_db
TITLE = "社区消防演练通知"


def chrome(html: str) -> list[str]:
    """The Chinese left in the page's own words once the users' own words are taken out."""
    for written in (TITLE, "停水范围.pdf", "撤回的通知"):
        html = html.replace(written, "")
    return chinese_chrome(html)


@pytest.fixture
def notice(cast):
    return publish(cast["clerk"], COMMUNITY, title=TITLE, pinned=True, attachments=[pdf()])


def test_the_residents_home_and_notice_are_in_english(client, cast, notice):
    home = english_page(client, cast["resident"], reverse("accounts:home"))
    assert chrome(home) == [] and "Notices" in home and "Pinned" in home
    page = english_page(client, cast["resident"], reverse("notices:detail", args=[notice.pk]))
    assert chrome(page) == [] and "Published to" in page and "Attachments" in page


def test_the_staff_list_and_a_managed_notice_are_in_english(client, cast, notice):
    gone = publish(cast["clerk"], COMMUNITY, title="撤回的通知")
    services.notice_withdraw(actor=cast["clerk"], notice_id=gone.pk)
    listing = english_page(client, cast["supervisor"], reverse("notices:list"))
    assert chrome(listing) == [] and "Withdrawn" in listing and "Publish a notice" in listing
    page = english_page(client, cast["clerk"], reverse("notices:detail", args=[notice.pk]))
    assert chrome(page) == [] and "Withdraw notice" in page and "Published by" in page


def test_the_publish_form_and_its_errors_are_in_english(client, cast):
    form = english_page(client, cast["clerk"], reverse("notices:new"))
    assert chrome(form) == [] and "Choose where to publish" in form
    bad = SimpleUploadedFile("x.exe", b"MZ" + PDF)
    response = client.post(reverse("notices:new"), {"title": "", "body": "", "attachments": [bad]})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Enter a title." in html and "not a supported type" in html
    assert chrome(html) == []
