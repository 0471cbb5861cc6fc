"""The map pages' libraries: pinned in package.json and package-lock.json, copied by the
set-up (scripts/copy_vendor.js) and found by the static files, every one of them."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

ROOT = Path(settings.BASE_DIR)


def package() -> dict:
    return json.loads((ROOT / "package.json").read_text())


def test_every_library_is_pinned_to_the_version_the_lockfile_holds():
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for name, version in package()["dependencies"].items():
        assert locked[f"node_modules/{name}"]["version"] == version


def test_every_copied_file_is_served_from_our_static_files():
    for destination in package()["vendor"].values():
        assert finders.find(f"maps/vendor/{destination}"), destination


def test_the_map_pages_load_only_copied_libraries():
    copied = {f"maps/vendor/{d}" for d in package()["vendor"].values()}
    templates = (ROOT / "maps" / "templates" / "maps").glob("*.html")
    used = {
        part.split("'")[1]
        for template in templates
        for part in template.read_text().split("{% static ")[1:]
        if part.startswith("'maps/vendor/")
    }
    assert used and used <= copied
