"""Why a value failed, with the provenance of every dimension bound so far."""

from collections.abc import Iterable, Mapping

from ._hints import HintCheck
from ._memo import current_bindings, pop_memo, push_memo


def explain_failure(
    arguments: Mapping[str, object],
    passed: Iterable[tuple[str, HintCheck, object]],
    failing: HintCheck,
    value: object,
    subject: str,
) -> tuple[str | None, list[str]]:
    """Replay the checks that passed, in order, in a fresh memo, recording which
    check bound each dimension; then explain why `value` (called `subject` in
    advice) fails `failing`.

    Returns the reason (None when there is nothing to add) and `["out=4 (from field 'weight')", ...]`.
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
        reason = failing.explain(value, subject)
        bindings = [
            provenance.get(name, f"{name}={size}")
            for name, size in current_bindings().items()
        ]
    finally:
        pop_memo()
    return reason, bindings
