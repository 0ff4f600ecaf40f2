"""The jaxtyping dimension memo shared by all checks of one construction or call.

jaxtyping's array types check shapes against a thread-local stack of memos
(`jaxtyping.jaxtyped` pushes one per decorated call, and the public
`jaxtyped("context")` pushes one for a `with` block). We push and pop directly
through the functions that context manager uses: it is three times cheaper,
lets the memo carry the values that symbolic dimensions such as
`"{self.size}"` may refer to, and lets error messages read the bindings back.
Every use of jaxtyping's private memo functions is in this file (the other
`_runtime_check_*` modules read only the attributes jaxtyping's array types
declare: `dims`, `dtypes`, `array_type`, `dim_str`, `index_variadic`).
"""

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Final, cast

from jaxtyping import _storage  # pyright: ignore[reportPrivateUsage]  # see module docstring

if TYPE_CHECKING:  # (imported at run time by `_runtime_check_hints` itself)
    from ._runtime_check_hints import HintCheck

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


def explain_failure(
    arguments: Mapping[str, object],
    passed: Iterable[tuple[str, "HintCheck", object]],
    failing: "HintCheck",
    value: object,
) -> tuple[str, list[str]]:
    """Replay the checks that passed, in order, in a fresh memo, recording which
    check bound each dimension; then explain why `value` fails `failing`.

    Returns the reason and `["out=4 (from field 'weight')", ...]`.
    """
    provenance: dict[str, str] = {}
    push_memo(arguments)
    try:
        for label, check, earlier in passed:
            before = current_bindings()
            try:
                check.passes(earlier)
            except Exception:  # it passed before; if replay disagrees, skip it
                continue
            for name, size in current_bindings().items():
                if name not in before:
                    provenance[name] = f"{name}={size} (from {label})"
        reason = failing.explain(value)
        bindings = [
            provenance.get(name, f"{name}={size}")
            for name, size in current_bindings().items()
        ]
    finally:
        pop_memo()
    return reason, bindings
