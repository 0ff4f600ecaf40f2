"""Runtime checking of Module fields against their annotations.

`build_field_checker(cls)` is called once per Module class when it is defined;
the function it returns (or None: nothing to check) runs once per user
construction, after converters and before `__check_init__`.
"""

from collections.abc import Callable
from typing import Any


def build_field_checker(cls: type) -> Callable[[Any], None] | None:
    """The field checker for `cls`, or None when there is nothing to check."""
    del cls
    return None
