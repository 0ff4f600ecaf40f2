"""`eqx.TypeCheckError`, `eqx.TypeCheckWarning` and the text of their messages."""

import re
from collections.abc import Iterable, Mapping
from typing import Final

import jaxtyping

from ._explain import explain_failure
from ._hints import HintCheck
from ._names import describe_value, format_hint


class TypeCheckError(jaxtyping.TypeCheckError):
    """A Module field, method argument or return value does not match its
    annotation (dtype, shape or type).

    Raised by the run-time checks that every `eqx.Module` runs when it is
    constructed and when an annotated method is called. A subclass of
    `jaxtyping.TypeCheckError`, itself a `TypeError`.
    """


class TypeCheckWarning(UserWarning):
    """A Module field, method argument or return value does not match its
    annotation, reported instead of raising `TypeCheckError` because the check
    level is `"warn"`.

    The level is `"warn"` under the environment variable `EQX_TYPECHECK=warn`,
    for a class declared with `typecheck="warn"`, and for the classes of a
    package whose author called `eqx.set_typecheck_level("warn",
    package=...)`. Each mismatch (class, field or argument, expected type) is
    reported once per process; execution carries on as if unchecked. Turn the
    warnings into errors with `warnings.simplefilter("error",
    eqx.TypeCheckWarning)`.
    """


# `argument 'x'`, `field 'weight'`, `argument '*args'[1]` -> the name to use
# in a cast suggestion.
_QUOTED_NAME: Final = re.compile(r"'\**([A-Za-z_]\w*)'(\[\d+\])?")


def _subject(what: str) -> str:
    match = _QUOTED_NAME.search(what)
    if match is None:
        return "out"
    return match.group(1) + (match.group(2) or "")


def type_check_message(
    owner: str,
    what: str,
    arguments: Mapping[str, object],
    passed: Iterable[tuple[str, HintCheck, object]],
    failing: HintCheck,
    value: object,
) -> str:
    """The message for `value` failing `failing`; `passed` are the checks run
    before it in the same memo (replayed to say where each dimension came from).
    """
    reason, bindings = explain_failure(
        arguments, passed, failing, value, _subject(what)
    )
    lines = [
        f"{owner}: {what} does not match its annotation.",
        f"  expected: {format_hint(failing.hint)}",
        f"  got:      {describe_value(value)}",
    ]
    if reason:
        lines.append(f"  reason:   {reason}")
    if failing.uses_memo:
        lines.append(
            f"  dimensions bound so far: {', '.join(bindings) if bindings else 'none'}"
        )
    return "\n".join(lines)
