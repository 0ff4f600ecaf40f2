"""One value against one annotation: dtype families, then shape unification.

An annotation may be a union of array annotations (`Float[Array, "n"] |
Float[Array, ""]`, or with `None`): the value must fit one alternative. When
exactly one fits, its bindings are kept; when several fit, none are (which
one applies is unknown).
"""

from mypy.nodes import Context
from mypy.plugin import CheckerPluginInterface
from mypy.types import NoneType, Type, UnionType, get_proper_type

from ._dtypes import can_be
from ._encoding import DTYPE_CODE, NAMES_CODE, SHAPE_CODE, ArraySpec, spec_of
from ._report import fail
from ._unify import Memo, Reason, unify


def expected_specs(typ: Type) -> list[ArraySpec] | None:
    """The array annotations a value of declared type `typ` must fit, if known.

    None when some alternative could hold an unannotated array (then any array
    fits and nothing can be claimed).
    """
    proper = get_proper_type(typ)
    if not isinstance(proper, UnionType):
        spec = spec_of(proper)
        return None if spec is None else [spec]
    specs: list[ArraySpec] = []
    for item in proper.items:
        if isinstance(get_proper_type(item), NoneType):
            continue
        spec = spec_of(item)
        if spec is None:
            return None
        specs.append(spec)
    return specs or None


def check_value(
    api: CheckerPluginInterface,
    expected: list[ArraySpec],
    actual: ArraySpec | None,
    memo: Memo,
    what: str,
    who: str,
    context: Context,
    distinct: frozenset[str] = frozenset(),
) -> bool:
    """Report (and return False) if `actual` cannot satisfy any of `expected`.

    `what` starts the message ("Argument "x" to "f""); `who` names the binder
    in later messages ("argument "x"").
    """
    if actual is None:
        return True  # plain Array, Any, unknown: gradual
    dtype_ok = [e for e in expected if can_be(actual.dtype, e.dtype)]
    if not dtype_ok:
        wanted = " or ".join(dict.fromkeys(e.dtype for e in expected))
        fail(
            api,
            f"{what} has dtype {actual.dtype}, which cannot be {wanted}",
            context,
            DTYPE_CODE,
        )
        return False
    if actual.shape is None or any(e.shape is None for e in dtype_ok):
        return True
    fits: list[Memo] = []
    reasons: list[Reason] = []
    for alternative in dtype_ok:
        assert alternative.shape is not None
        trial = memo.copy()
        reason = unify(alternative.shape, actual.shape, trial, who, distinct)
        if reason is None:
            fits.append(trial)
        else:
            reasons.append(reason)
    if len(fits) == 1:
        memo.single, memo.variadic, memo.origin = (
            fits[0].single,
            fits[0].variadic,
            fits[0].origin,
        )
    if fits:
        return True
    shapes = " or ".join(f'"{e.shape_text()}"' for e in dtype_ok)
    fail(
        api,
        f'{what} has shape "{actual.shape_text()}", expected {shapes}:'
        f" {'; '.join(reasons)}",
        context,
        NAMES_CODE if all(r.names for r in reasons) else SHAPE_CODE,
    )
    return False
