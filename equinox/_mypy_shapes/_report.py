"""The one place shape and dtype errors are reported.

Deliberately wrong calls (tests of the run-time checker inside
`pytest.raises`) are reported like any other: such code marks them with
`# type: ignore[jaxtyping-shape]  # deliberately wrong`, so a static checker
and the reader both see that the error is expected.
"""

from mypy.errorcodes import ErrorCode
from mypy.nodes import Context
from mypy.plugin import CheckerPluginInterface


def fail(
    api: CheckerPluginInterface, message: str, context: Context, code: ErrorCode
) -> None:
    api.fail(message, context, code=code)
