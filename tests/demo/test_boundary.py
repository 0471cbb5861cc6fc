"""The demo builds on the domain apps, never the other way round: no module of a domain
package imports `demo`, so the demo can be left out of a deployment and its code cannot
grow back into the domain."""

import ast
from pathlib import Path

from django.conf import settings

DOMAIN_PACKAGES = (
    "accounts", "common", "consultation", "feedback", "grid", "infra", "maps", "realtime",
    "config", "notices", "notifications",
)  # fmt: skip
IMPORTERS = {"import_module", "__import__"}


def demo_imports(source: str) -> list[str]:
    """Every `demo` module a source imports: import statements, and import_module or
    __import__ called with a literal name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Call) and _called_name(node.func) in IMPORTERS and node.args:
            name = node.args[0]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                found.append(name.value)
    return [name for name in found if name == "demo" or name.startswith("demo.")]


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def domain_modules() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(path for package in DOMAIN_PACKAGES for path in (base / package).rglob("*.py"))


def test_no_domain_module_imports_the_demo():
    # given every module of the domain packages, migrations and commands included
    modules = domain_modules()
    assert len(modules) > 100
    # when their imports are read
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): imports
        for path in modules
        if (imports := demo_imports(path.read_text()))
    }
    # then none names the demo
    assert offenders == {}


def test_the_check_sees_every_way_of_importing_the_demo():
    source = (
        "import demo\n"
        "from demo.story import Story\n"
        "import demo.accounts as accounts\n"
        "from importlib import import_module\n"
        "import_module('demo.history')\n"
        "from demographics import x\n"  # another package whose name starts alike
        "from . import demo\n"  # a module of the package's own
    )
    assert sorted(demo_imports(source)) == ["demo", "demo.accounts", "demo.history", "demo.story"]
