"""The plugin's own error codes, so users can silence or enable them by name."""

from typing import Final

from mypy.errorcodes import ErrorCode

FROZEN: Final = ErrorCode(
    "eqx-frozen",
    "Assignment to a field of an equinox Module outside __init__",
    "equinox",
)
ABSTRACT: Final = ErrorCode(
    "eqx-abstract",
    "Instantiating an equinox Module whose AbstractVar/AbstractClassVar are unprovided",
    "equinox",
)
STATIC_ARRAY: Final = ErrorCode(
    "eqx-static-array",
    "A Module field holding an array is marked static=True",
    "equinox",
)
UNDECLARED: Final = ErrorCode(
    "eqx-undeclared",
    "Assignment in __init__ to an attribute that is not a field of the Module",
    "equinox",
)
ENUM_TYPE_ARGS: Final = ErrorCode(
    "eqx-enum-type-args",
    "An eqx.Enumeration written with type arguments (e.g. read as a type alias)",
    "equinox",
)
