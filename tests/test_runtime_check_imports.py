"""The modules of `equinox._runtime_check` import one way only: each imports
only modules listed above it in the package docstring (so there is no cycle)."""

import ast
import re
from pathlib import Path

import equinox._runtime_check as package

_PACKAGE = Path(package.__file__).parent


def _documented_order() -> list[str]:
    doc = package.__doc__ or ""
    listed = re.findall(r"^    (_\w+|\(this file\))\s", doc, flags=re.MULTILINE)
    return ["__init__" if name == "(this file)" else name for name in listed]


def _relative_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_docstring_lists_every_module() -> None:
    on_disk = {path.stem for path in _PACKAGE.glob("*.py")}
    assert sorted(_documented_order()) == sorted(on_disk)


def test_each_module_imports_only_modules_above_it() -> None:
    order = _documented_order()
    for index, name in enumerate(order):
        allowed = set(order[:index])
        imported = _relative_imports(_PACKAGE / f"{name}.py")
        assert imported <= allowed, f"{name} imports {sorted(imported - allowed)}"
