"""The jaxtyping dimension memo shared by all checks of one construction or call.

jaxtyping's array types check shapes against a thread-local stack of memos
(`jaxtyping.jaxtyped` pushes one per decorated call, and the public
`jaxtyped("context")` pushes one for a `with` block). We push and pop directly
through the functions that context manager uses: it is three times cheaper,
lets the memo carry the values that symbolic dimensions such as
`"{self.size}"` may refer to, and lets error messages read the bindings back.
Every use of jaxtyping's private memo functions is in this file (the other
modules of this package read only the attributes jaxtyping's array types
declare: `dims`, `dtypes`, `array_type`, `dim_str`, `index_variadic`).
"""

from collections.abc import Callable, Mapping
from typing import Final, cast

from jaxtyping import _storage  # pyright: ignore[reportPrivateUsage]  # see module docstring

_Memos = tuple[
    dict[str, int], dict[str, tuple[bool, tuple[int, ...]]], dict[str, object], object
]

push_memo: Final = cast(
    Callable[[Mapping[str, object]], object],
    _storage.push_shape_memo,  # pyright: ignore[reportUnknownMemberType]  # untyped jaxtyping internals
)
pop_memo: Final[Callable[[], None]] = _storage.pop_shape_memo
_current_memo: Final = cast(
    Callable[[], _Memos],
    _storage.get_shape_memo,  # pyright: ignore[reportUnknownMemberType]  # untyped jaxtyping internals
)
# jaxtyping marks temporary entries with this prefix.
_HIDDEN_PREFIX: Final = "~~delete~~"


def current_single_memo() -> dict[str, int]:
    """The innermost memo's named (non-variadic) dimensions, live."""
    return _current_memo()[0]


def current_bindings() -> dict[str, str]:
    """The dimensions bound in the innermost memo, as `name -> value text`."""
    single, variadic, _, _ = _current_memo()
    bound = {
        name: str(size)
        for name, size in single.items()
        if not name.startswith(_HIDDEN_PREFIX)
    }
    for name, (_, shape) in variadic.items():
        if not name.startswith(_HIDDEN_PREFIX):
            bound["*" + name] = str(shape)
    return bound
