"""The apps depend downwards only (.importlinter): no import cycle between them, lazy
function-level imports included, so a new one fails here as well as in scripts/test.sh."""

from importlinter.cli import lint_imports


def test_the_apps_keep_their_import_layers():
    assert lint_imports(no_cache=True, no_logo=True) == 0
