"""Notifications are stored as a kind and parameters, so an English reader reads them
in English — old ones too — and the inbox pages have no Chinese chrome."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.feedback.flows import closed
from tests.notifications.support import inbox_of, project
from tests.test_i18n import chinese_chrome, english_page


def test_the_inbox_and_its_settings_are_in_english(client, people, categories):
    case = closed(people, categories)
    project()
    html = english_page(client, people["resident"], reverse("notifications:inbox"))
    assert chinese_chrome(html) == []
    assert f"Case {case.number} (占道经营) is closed: please rate how it was handled." in html
    assert "Messages" in html
    settings_page = english_page(client, None, reverse("notifications:settings"))
    assert chinese_chrome(settings_page) == []
    assert "Quiet hours" in settings_page


def test_a_notification_written_in_chinese_is_read_in_english(people, categories):
    closed(people, categories)
    project()
    note = inbox_of(people["handler"])[0]
    with translation.override("en"):
        english = note.text
    with translation.override(settings.LANGUAGE_CODE):
        chinese = note.text
    assert english.startswith("Case ") and "dispatched to your department" in english
    assert chinese.startswith("事件 ")
