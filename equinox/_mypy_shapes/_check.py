"""One value against one annotation: dtype families, then shape unification."""

from mypy.nodes import Context
from mypy.plugin import CheckerPluginInterface

from ._dtypes import can_be
from ._encoding import DTYPE_CODE, SHAPE_CODE, ArraySpec
from ._unify import Memo, unify


def check_value(
    api: CheckerPluginInterface,
    expected: ArraySpec,
    actual: ArraySpec | None,
    memo: Memo,
    what: str,
    who: str,
    context: Context,
) -> bool:
    """Report (and return False) if `actual` cannot satisfy `expected`.

    `what` starts the message ("Argument "x" to "f""); `who` names the binder
    in later messages ("argument "x"").
    """
    if actual is None:
        return True  # plain Array, Any, unknown: gradual
    if not can_be(actual.dtype, expected.dtype):
        api.fail(
            f"{what} has dtype {actual.dtype}, which cannot be {expected.dtype}",
            context,
            code=DTYPE_CODE,
        )
        return False
    if expected.shape is None or actual.shape is None:
        return True
    reason = unify(expected.shape, actual.shape, memo, who)
    if reason is None:
        return True
    api.fail(
        f'{what} has shape "{actual.shape_text()}", expected'
        f' "{expected.shape_text()}": {reason}',
        context,
        code=SHAPE_CODE,
    )
    return False
