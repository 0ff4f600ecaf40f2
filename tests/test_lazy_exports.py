"""`equinox/__init__.py` exports lazily; static tools read its TYPE_CHECKING
imports. These tests keep the two in step and check what laziness buys."""

import ast
import subprocess
import sys
from pathlib import Path

import equinox

INIT = Path(equinox.__file__)


def _type_checking_imports() -> dict[str, str]:
    """Name -> relative module, from the `if TYPE_CHECKING:` block."""
    tree = ast.parse(INIT.read_text())
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    found: dict[str, str] = {}
    for stmt in block.body:
        assert isinstance(stmt, ast.ImportFrom) and stmt.level == 1
        for alias in stmt.names:
            assert alias.asname == alias.name, "re-export as `X as X`"
            found[alias.name] = "." + (stmt.module or alias.name)
    return found


def test_lazy_table_matches_static_imports() -> None:
    lazy: dict[str, str] = getattr(equinox, "_EXPORTS")  # noqa: B009  # runtime-only name
    assert lazy == _type_checking_imports()


def test_every_export_resolves() -> None:
    for name in _type_checking_imports():
        assert getattr(equinox, name) is not None, name


def test_unknown_attribute_is_a_clear_error() -> None:
    try:
        getattr(equinox, "filter_jitt")  # noqa: B009  # deliberately misspelt
    except AttributeError as e:
        assert "filter_jitt" in str(e)
    else:
        raise AssertionError("expected AttributeError")


def test_mypy_plugin_import_does_not_load_jax() -> None:
    code = "import sys, equinox.mypy; print('jax' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
