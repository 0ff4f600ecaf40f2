"""Acting on a failed check at the level of the instance's class: raise
`TypeCheckError`, warn once with `TypeCheckWarning`, or do nothing."""

import os
import sys
import warnings
from collections.abc import Callable
from types import FrameType
from typing import Final

from ._errors import TypeCheckError, TypeCheckWarning
from ._level import Level

# (owner, field or argument, expected annotation) already warned about.
_reported: Final[set[tuple[str, str, str]]] = set()
# Frames in these directories are not the user's code.
_INTERNAL: Final = tuple(
    os.path.dirname(os.path.dirname(path)) + os.sep for path in (__file__,)
) + tuple(
    os.path.dirname(module.__file__) + os.sep
    for name in ("jaxtyping", "beartype")
    if (module := sys.modules.get(name)) is not None and module.__file__
)


def _user_stacklevel() -> int:
    """The `stacklevel` pointing `warnings.warn` (called from here) at the
    first frame outside equinox, jaxtyping and beartype."""
    frame: FrameType | None = sys._getframe(1)  # pyright: ignore[reportPrivateUsage]  # the documented way to walk the stack cheaply
    level = 2
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL):
        frame = frame.f_back
        level += 1
    return level


def report(level: Level, key: tuple[str, str, str], message: Callable[[], str]) -> None:
    """Raise, warn (once per `key`) or ignore; `message` is only built when
    it is shown."""
    if level == "error":
        raise TypeCheckError(message())
    if level == "warn" and key not in _reported:
        _reported.add(key)
        warnings.warn(TypeCheckWarning(message()), stacklevel=_user_stacklevel())
