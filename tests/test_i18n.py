"""The English catalogue is complete, and each role's main pages render in English.

zh-Hans is the source language (the msgids); English lives in locale/en. A string added
without its translation, or left fuzzy by makemessages, would show up in Chinese on an
English page, so the catalogue is checked entry by entry and the pages are rendered.
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Department, Role
from feedback.models import Category
from grid.models import Area
from tests.factories import user_with_role
from tests.feedback import conftest as feedback_fixtures
from tests.feedback.flows import registered, reported

# The feedback tests' cast and categories, borrowed as fixtures of this module.
departments = feedback_fixtures.departments
categories = feedback_fixtures.categories
people = feedback_fixtures.people

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|\{\w*\}")
# The language menu names each language in itself, so "简体中文" stays Chinese.
ENDONYMS = ("简体中文",)
CHROME_TAGS = {"title", "h1", "h2", "h3", "label", "th", "button", "option", "legend", "a", "dt"}
CHROME_ATTRIBUTES = ("aria-label", "placeholder", "title")


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(CATALOGUE))


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def test_every_message_has_an_english_translation(catalogue):
    untranslated = [label(e) for e in catalogue.untranslated_entries() if not e.obsolete]
    assert untranslated == []


GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "_lazy"}
TEMPLATE_TRANSLATE = re.compile(r"""\{% translate (["'])(.+?)\1""")
SOURCE_DIRS = ("accounts", "common", "config", "consultation", "demo", "feedback", "grid",
               "maps", "notices", "notifications", "opinions", "realtime", "registration",
               "templates", "voting", "workbench")  # fmt: skip


def source_messages() -> set[str]:
    """Literal messages in our code and templates: gettext-style calls (the context of a
    pgettext call is joined as the catalogue labels it) and `{% translate "…" %}`."""
    found: set[str] = set()
    base = Path(settings.BASE_DIR)
    for path in (p for d in SOURCE_DIRS for p in (base / d).rglob("*") if p.is_file()):
        if path.suffix == ".py" and "migrations" not in path.parts:
            found |= _python_messages(path.read_text())
        elif path.suffix in (".html", ".txt"):
            found |= {m[1] for m in TEMPLATE_TRANSLATE.findall(path.read_text())}
    return found


def _python_messages(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT_CALLS):
            continue
        texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if node.func.id.startswith("pgettext") and len(texts) == 2:
            found.add(f"{texts[0]}|{texts[1]}")
        elif texts and isinstance(texts[0], str):
            found.add(texts[0])
    return found


def test_every_message_in_the_code_is_in_the_catalogue(catalogue):
    # makemessages forgotten after adding a string: the test above cannot see it.
    known = {label(e) for e in catalogue if not e.obsolete}
    assert sorted(source_messages() - known) == []


def test_no_translation_is_left_fuzzy_or_obsolete(catalogue):
    assert [label(e) for e in catalogue.fuzzy_entries()] == []
    assert [label(e) for e in catalogue.obsolete_entries()] == []


def test_every_translation_keeps_the_placeholders_of_its_message(catalogue):
    broken = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            # English may say "once" for n == 1, so only the plural form must keep them.
            pairs = [(entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, english in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(english)):
                broken.append(label(entry))
    assert broken == []


def test_no_translation_is_still_chinese(catalogue):
    chinese = [
        label(e)
        for e in catalogue.translated_entries()
        if e.msgstr not in ENDONYMS and CJK.search(e.msgstr + "".join(e.msgstr_plural.values()))
    ]
    assert chinese == []


class ChromeTexts(HTMLParser):
    """Collects the text a person reads as the page's own words: headings, labels, table
    heads, buttons, links, options, and the accessible names and hints of any element.
    The logo glyph (aria-hidden) is a picture, not words."""

    VOID = {"input", "meta", "link", "br", "img", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        self.texts.extend(attributes[name] for name in CHROME_ATTRIBUTES if attributes.get(name))
        if tag not in self.VOID:
            self.open.append((tag, attributes.get("aria-hidden") == "true"))

    def handle_endtag(self, tag) -> None:
        if any(name == tag for name, _ in self.open):
            while self.open.pop()[0] != tag:
                pass

    def handle_data(self, data) -> None:
        tags = {name for name, _ in self.open}
        hidden = any(hidden for _, hidden in self.open)
        if data.strip() and CHROME_TAGS & tags and not hidden and "script" not in tags:
            self.texts.append(data.strip())


def data_values() -> list[str]:
    """What the users of the tests wrote or named: it stays in their language."""
    values = [
        *Area.objects.values_list("name", flat=True),
        *Category.objects.values_list("name", flat=True),
        *Department.objects.values_list("name", flat=True),
        *ENDONYMS,
    ]
    return sorted(values, key=len, reverse=True)


def chinese_chrome(html: str) -> list[str]:
    parser = ChromeTexts()
    parser.feed(html)
    values = data_values()
    leftovers = []
    for text in parser.texts:
        for value in values:
            text = text.replace(value, "")
        if CJK.search(text):
            leftovers.append(text)
    return leftovers


def english_page(client, user, url: str):
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    return response.text


@pytest.mark.parametrize(
    "role", ["resident", "worker", "supervisor", "handler", "clerk"], ids=lambda r: r
)
def test_each_roles_home_page_is_in_english(client, people, categories, role):
    html = english_page(client, people[role], reverse("accounts:home"))
    assert chinese_chrome(html) == []
    assert "My workbench" in html


def test_the_admins_home_page_is_in_english(client, areas):
    admin = user_with_role(Role.ADMIN, areas["310101"])
    html = english_page(client, admin, reverse("accounts:home"))
    assert chinese_chrome(html) == []
    assert "All cases" in html


def test_the_supervisors_case_list_and_its_filters_are_in_english(client, people, categories):
    # given a case in the supervisor's street
    reported(people, categories)
    # when the supervisor reads the list in English
    html = english_page(client, people["supervisor"], reverse("feedback:supervise"))
    # then the filters, headings and table heads are English and only the data is not
    assert chinese_chrome(html) == []
    assert "Export to Excel" in html and "Reported from" in html and "Not overdue" in html
    assert "1 case" in html


def test_a_case_page_with_its_timeline_and_actions_is_in_english(client, people, categories):
    case = registered(people, categories)
    html = english_page(client, people["supervisor"], reverse("feedback:detail", args=[case.pk]))
    assert chinese_chrome(html) == []
    assert "Registered" in html and "Dispatch" in html


def test_the_residents_report_form_is_in_english(client, people, categories):
    html = english_page(client, people["resident"], reverse("feedback:report"))
    assert chinese_chrome(html) == []
    assert "Submit report" in html and "Choose a category" in html


@pytest.mark.parametrize(
    "name", ["feedback:on_spot", "feedback:verify_queue", "feedback:grid_cases"], ids=str
)
def test_the_grid_workers_case_pages_are_in_english(client, people, categories, name):
    html = english_page(client, people["worker"], reverse(name))
    assert chinese_chrome(html) == []


def test_the_registration_page_is_in_english(client, areas):
    html = english_page(client, None, reverse("accounts:register"))
    assert chinese_chrome(html) == []
    assert "Resident registration" in html and "Get code" in html


def test_the_same_page_stays_chinese_by_default(client, people, categories):
    client.force_login(people["supervisor"])
    html = client.get(reverse("feedback:supervise")).text
    assert "全部事件" in html and "All cases" not in html
    assert "筛选" in chinese_chrome(html)  # the check above would see a missing translation


def test_an_english_browser_still_gets_chinese_pages_until_the_user_chooses(client, people):
    # given a browser whose Accept-Language prefers English
    client.force_login(people["resident"])
    home = client.get(reverse("accounts:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # then the page is in zh-Hans, the default for everyone
    assert home.headers["Content-Language"] == "zh-hans"
    assert "我的工作台" in home.text
    # when the user picks English in the header's language menu
    chosen = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert chosen.status_code == 302
    # then the choice is remembered on the next page, whatever the browser asks for
    again = client.get(reverse("accounts:home"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert again.headers["Content-Language"] == "en"
    assert "My workbench" in again.text


def test_machine_clients_still_negotiate_the_language(client):
    # Accept-Language is the API's and Open311's way to ask for a language
    english = client.get("/api/v1/no-such-endpoint", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/api/v1/no-such-endpoint")
    assert english.headers["Content-Language"] == "en"
    assert chinese.headers["Content-Language"] == "zh-hans"
