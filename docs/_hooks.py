"""MkDocs hook.

- `<!-- api: PACKAGE -->` becomes one mkdocstrings entry per public name of
  PACKAGE, so a new export shows up in the reference without editing the
  page. A package that cannot be imported yields a note instead of a failed
  build.
- The PNG figures the examples write (`examples/*.png`) are published at
  `examples/NAME.png` in the site, where the examples page shows them.
- `<!-- include: FILE#NAME -->` becomes the text between `<!-- NAME -->` and
  `<!-- /NAME -->` in FILE (relative to the repository root), so a section
  kept in the README appears in the docs as it is.
"""

import importlib
import re
import types
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

_MARKER = re.compile(r"^<!-- api: ([\w.]+) -->$", re.MULTILINE)
_INCLUDE = re.compile(r"^<!-- include: ([\w./-]+)#([\w-]+) -->$", re.MULTILINE)
_ROOT = Path(__file__).resolve().parent.parent


def public_names(package: str) -> list[str] | None:
    """The public names of `package` (its `__all__`, else its non-underscore
    attributes), submodules excluded; None when it cannot be imported."""
    try:
        module = importlib.import_module(package)
    except ImportError:
        return None
    names = getattr(module, "__all__", None)
    if names is None:
        # Without `__all__`: what the package defines or re-exports from
        # itself (not helpers it imported, such as `TYPE_CHECKING`).
        root = package.split(".")[0]
        names = [
            n
            for n in dir(module)
            if not n.startswith("_")
            and str(getattr(getattr(module, n), "__module__", "")).startswith(root)
        ]
    return sorted(
        n for n in names if not isinstance(getattr(module, n), types.ModuleType)
    )


def _expand(match: re.Match[str]) -> str:
    package = match.group(1)
    names = public_names(package)
    if names is None:
        return (
            f'!!! note "`{package}` is not available"\n'
            f"    `{package}` could not be imported when this site was built.\n"
        )
    return "\n".join(f"::: {package}.{name}\n" for name in names)


def _include(match: re.Match[str]) -> str:
    path, name = match.group(1), match.group(2)
    text = (_ROOT / path).read_text()
    start, end = f"<!-- {name} -->\n", f"<!-- /{name} -->"
    if start not in text or end not in text:
        raise ValueError(f"{path} has no section marked <!-- {name} -->")
    return text.split(start, 1)[1].split(end, 1)[0]


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    return _INCLUDE.sub(_include, _MARKER.sub(_expand, markdown))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for png in sorted((_ROOT / "examples").glob("*.png")):
        files.append(
            File(
                f"examples/{png.name}",
                src_dir=str(_ROOT),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
    return files
