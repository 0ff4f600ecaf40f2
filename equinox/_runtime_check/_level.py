"""What a failed run-time check does: raise (`"error"`), warn once (`"warn"`)
or nothing (`"off"`).

The level of a class is, in order of precedence:

1. its `typecheck=` class keyword (inherited by subclasses): `True`/`"on"`/
   `"error"`, `"warn"`, or `False`/`"off"` (then nothing is checked at all);
2. the level its package's author set with `eqx.set_typecheck_level(level,
   package="mylib")`, for classes defined in `mylib` or its submodules (the
   longest matching package wins);
3. `"error"`.

The environment variable `EQX_TYPECHECK` (read once, at import) caps every
class's level: `EQX_TYPECHECK=warn` turns every error into a warning, and
`EQX_TYPECHECK=0` turns checking off everywhere (no checking code runs).
"""

import os
import weakref
from typing import Final, Literal, TypeAlias

Level: TypeAlias = Literal["error", "warn", "off"]
LevelSpec: TypeAlias = bool | Literal["on", "error", "warn", "off"]

_WORDS: Final[dict[str, Level]] = {
    "": "error",
    "1": "error",
    "on": "error",
    "true": "error",
    "yes": "error",
    "error": "error",
    "warn": "warn",
    "warning": "warn",
    "0": "off",
    "off": "off",
    "false": "off",
    "no": "off",
}
_RANK: Final[dict[Level, int]] = {"off": 0, "warn": 1, "error": 2}


def parse_level(value: object, where: str) -> Level:
    """The level `value` names (a bool or one of the words above)."""
    if value is True:
        return "error"
    if value is False:
        return "off"
    if isinstance(value, str) and value.strip().lower() in _WORDS:
        return _WORDS[value.strip().lower()]
    raise ValueError(
        f"{where}: {value!r} is not a type-check level; use 'on' (or True, "
        "the default: a mismatch raises eqx.TypeCheckError), 'warn' (a "
        "mismatch is reported once as eqx.TypeCheckWarning) or 'off' (or False)."
    )


ENVIRONMENT_LEVEL: Final = parse_level(
    os.environ.get("EQX_TYPECHECK", "1"), "EQX_TYPECHECK"
)
ENABLED: Final = ENVIRONMENT_LEVEL != "off"

_package_levels: Final[dict[str, Level]] = {}
_class_levels: Final[weakref.WeakKeyDictionary[type, Level]] = (
    weakref.WeakKeyDictionary()
)


def set_typecheck_level(level: LevelSpec, *, package: str) -> None:
    """Set what a failed run-time type check does for the Modules defined in
    `package` and its submodules.

    For a library author whose annotations are not (yet) accurate: calling
    `eqx.set_typecheck_level("warn", package="mylib")` at the top of
    `mylib/__init__.py` makes a mismatch in any `mylib` class a
    `eqx.TypeCheckWarning` (reported once) instead of a `eqx.TypeCheckError`,
    so that the library's loose annotations never break its users; `"off"`
    silences them. The classes of other packages (the users' own included)
    keep their level.

    **Arguments:**

    - `level`: `"on"` (or `True`, `"error"`: raise, the default), `"warn"`,
      or `"off"` (or `False`).
    - `package`: a top-level package or module path, such as `"mylib"` or
      `"mylib.experimental"`; the longest matching path wins.

    A class's own `typecheck=` keyword takes precedence over its package's
    level, and the environment variable `EQX_TYPECHECK` caps both
    (`EQX_TYPECHECK=warn` turns every error into a warning).
    """
    if not isinstance(package, str) or not package or package.startswith("."):  # pyright: ignore[reportUnnecessaryIsInstance]  # checked for untyped callers
        raise ValueError(
            "set_typecheck_level: `package` must be a module path such as "
            f"'mylib', got {package!r}"
        )
    _package_levels[package] = parse_level(level, "set_typecheck_level")
    _class_levels.clear()


def _package_level(module: str) -> Level:
    best: tuple[int, Level] = (-1, "error")
    for package, level in _package_levels.items():
        if (module == package or module.startswith(package + ".")) and len(
            package
        ) > best[0]:
            best = (len(package), level)
    return best[1]


def _own_level(cls: type) -> Level:
    explicit: object = getattr(cls, "__eqx_typecheck__", None)
    if explicit is None:
        return _package_level(cls.__module__)
    return parse_level(explicit, _keyword(cls))


def class_level(cls: type) -> Level:
    """The level of `cls`, capped by `EQX_TYPECHECK`."""
    level = _class_levels.get(cls)
    if level is None:
        own = _own_level(cls)
        level = own if _RANK[own] <= _RANK[ENVIRONMENT_LEVEL] else ENVIRONMENT_LEVEL
        _class_levels[cls] = level
    return level


def checks_run(cls: type) -> bool:
    """Whether instances of `cls` are checked at all: not when checking is off
    in the environment or by the class keyword. (A package level of "off" only
    silences mismatches: it can be set after the package's classes exist.)"""
    if not ENABLED:
        return False
    explicit: object = getattr(cls, "__eqx_typecheck__", None)
    return explicit is None or parse_level(explicit, _keyword(cls)) != "off"


def _keyword(cls: type) -> str:
    return f"{cls.__qualname__}(typecheck=...)"
