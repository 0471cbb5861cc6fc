"""The admin speaks Chinese: every list and add page of our models, their filters and
column heads, the app index captions and the map widget's draw toolbar. Two pages are
left out on purpose: django-otp's device form names its fields in code without
gettext, and Django's permission names are English by design."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

# Words that stay as they are in a Chinese UI.
ALLOWED = {"IP", "GET", "POST", "HTTP", "Accept", "Excel", "API", "TOTP", "ID"}
ENGLISH = re.compile(r"[A-Za-z]{3,}")
CHROME = {"th", "label", "h1", "h2", "h3", "legend", "caption", "button", "a", "option"}
LEFT_OUT = {"accounts.twofactordevice", "auth.group"}


class Chrome(HTMLParser):
    """Text directly inside the admin's labels, heads, captions and links."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag) -> None:
        while self.open and self.open.pop() != tag:
            pass

    def handle_data(self, data) -> None:
        if "tbody" in self.open:  # the rows of a list are data, not the admin's words
            return
        if self.open and self.open[-1] in CHROME and data.strip():
            self.texts.append(data.strip())


def english(html: str) -> list[str]:
    parser = Chrome()
    parser.feed(html)
    found = []
    for text in parser.texts:
        words = [w for w in ENGLISH.findall(text) if w not in ALLOWED]
        if words and not re.search(r"[\u4e00-\u9fff]", text):
            found.append(text)
    return found


def admin_pages() -> list[str]:
    pages = []
    for model in admin.site._registry:
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if label in LEFT_OUT:
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
    return pages


@pytest.mark.django_db
def test_every_admin_list_and_add_page_is_chinese(admin_client, areas):
    leftovers = {}
    for url in [reverse("admin:index"), *admin_pages()]:
        answer = admin_client.get(url)
        if answer.status_code != 200:  # read-only models have no add page
            continue
        found = [t for t in english(answer.content.decode()) if not t.startswith(("/", "<"))]
        if found:
            leftovers[url] = found
    assert leftovers == {}


@pytest.mark.django_db
def test_the_map_widgets_draw_toolbar_is_chinese(admin_client, areas):
    text = admin_client.get(reverse("admin:grid_area_add")).content.decode()
    # django-leaflet hands the toolbar its words as JSON scripts
    found = re.search(r'<script id="draw-toolbar-buttons-polygon"[^>]*>(.*?)</script>', text)
    assert found is not None
    assert json.loads(found.group(1)) == "绘制多边形"
