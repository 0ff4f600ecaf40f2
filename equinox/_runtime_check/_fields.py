"""Checking every field of a Module instance once it is constructed.

A `FieldPlan` is computed once per class: each field's annotation resolved and
compiled to a `HintCheck`, ordered so that fields with symbolic dimensions come
last. The checker built from it runs all fields inside one jaxtyping memo, so
dimension names agree across fields.
"""

import dataclasses
import inspect
import sys
import weakref
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any, Final, cast

from jaxtyping import AnnotationError

from ._errors import TypeCheckError, type_check_message
from ._hints import (
    NEVER_SEEN,
    ClassInfo,
    HintCheck,
    Unresolved,
    compile_hint,
    remember_type,
    resolve,
)
from ._level import Level, class_level
from ._memo import pop_memo, push_memo
from ._names import format_hint, owner_name
from ._report import class_key, report


@dataclasses.dataclass(frozen=True, slots=True)
class FieldPlan:
    owner: str
    checks: tuple[tuple[str, HintCheck], ...]
    uses_memo: bool
    # Every annotation could be evaluated (else it may resolve later).
    complete: bool


Checked = tuple[str, HintCheck, object]
"""One value checked: its label (such as "field 'w'"), the check and the value."""


_plans: Final[weakref.WeakKeyDictionary[type, FieldPlan]] = weakref.WeakKeyDictionary()


def _namespaces(cls: type, name: str) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """Globals and locals for evaluating the annotation of field `name`: those
    of the class that declared it."""
    for klass in cls.__mro__:
        if name in inspect.get_annotations(klass):
            module = sys.modules.get(klass.__module__)
            return (vars(module) if module is not None else {}), dict(vars(klass))
    return {}, {}


def _compute_plan(cls: type) -> FieldPlan:
    checks: list[tuple[str, HintCheck]] = []
    complete = True
    # (a plain bool: `is_dataclass` would narrow the type of `cls`)
    is_dataclass: bool = dataclasses.is_dataclass(cls)
    fields = dataclasses.fields(cast(Any, cls)) if is_dataclass else ()
    for f in fields:
        hint = resolve(f.type, *_namespaces(cls, f.name))
        if isinstance(hint, Unresolved):
            complete = False
        check = compile_hint(hint)
        if check is not None:
            checks.append((f.name, check))
    checks.sort(key=lambda item: item[1].symbolic)  # stable: symbolic ones last
    return FieldPlan(
        owner=owner_name(cls.__module__, cls.__qualname__),
        checks=tuple(checks),
        uses_memo=any(check.uses_memo for _, check in checks),
        complete=complete,
    )


def field_plan(cls: type) -> FieldPlan:
    """The plan for `cls`, computed on first use after the class was defined
    (when forward references in its annotations have usually become
    resolvable); a field whose annotation still cannot be evaluated is skipped.
    """
    plan = _plans.get(cls)
    if plan is None:
        plan = _plans[cls] = _compute_plan(cls)
    return plan


def _field_error(plan: FieldPlan, obj: object, name: str) -> Exception:
    values = obj.__dict__
    passed: list[Checked] = []
    for field_name, check in plan.checks:
        if field_name == name:
            return TypeCheckError(
                type_check_message(
                    plan.owner,
                    f"field '{name}'",
                    {"self": obj},
                    passed,
                    check,
                    values[name],
                )
            )
        passed.append((f"field '{field_name}'", check, values[field_name]))
    raise AssertionError(f"no check for field {name!r}")


def annotation_error(owner: str, label: str, error: AnnotationError) -> AnnotationError:
    """The annotation of `label` on `owner` could not be applied to a value."""
    return AnnotationError(f"{owner}: the annotation of {label}: {error}")


def _annotation_text(owner: str, label: str, error: AnnotationError) -> str:
    return str(annotation_error(owner, label, error))


def report_each(
    level: Level,
    owner: str,
    where: str,
    instance: object,
    passed: Iterable[Checked],
    items: Iterable[Checked],
) -> None:
    """Check `items` one by one in the current memo, after `passed`, and
    report each mismatch at `level` (below "error": nothing is raised).
    `where` tells the instance's class apart among warnings given once."""
    done = list(passed)
    for label, check, value in items:
        key = (where, label, format_hint(check.hint))
        try:
            ok = check.passes(value)
        except AnnotationError as e:
            report(level, key, partial(_annotation_text, owner, label, e))
            continue
        if ok:
            done.append((label, check, value))
            continue
        message = partial(
            type_check_message,
            owner,
            label,
            {"self": instance},
            tuple(done),
            check,
            value,
        )
        report(level, key, message)


def _report_all(plan: FieldPlan, obj: object, level: Level) -> None:
    """Check every field again in a fresh memo, reporting each mismatch."""
    values = obj.__dict__
    # A generator: each field is read when its turn comes, as it is checked.
    items = ((f"field '{name}'", check, values[name]) for name, check in plan.checks)
    push_memo({"self": obj})
    try:
        report_each(level, plan.owner, class_key(type(obj)), obj, (), items)
    finally:
        pop_memo()


def _failed(
    plan: FieldPlan, obj: object, name: str, error: AnnotationError | None
) -> None:
    """Field `name` failed (or its annotation could not be applied): raise at
    level "error", else report every mismatching field and carry on."""
    level = class_level(type(obj))
    if level == "error":
        if error is not None:
            raise annotation_error(plan.owner, f"field '{name}'", error) from error
        raise _field_error(plan, obj, name)
    _report_all(plan, obj, level)


_Fast = tuple[
    tuple[
        str,
        set[type] | frozenset[type],
        ClassInfo | None,
        Callable[[object], bool] | None,
    ],
    ...,
]


def _checker(plan: FieldPlan) -> Callable[[Any], None]:
    # `HintCheck.passes`, inlined: this runs on every construction.
    fast: _Fast = tuple(
        (name, check.seen_types, check.classinfo, check.predicate)
        for name, check in plan.checks
    )

    def check_fields(obj: Any) -> None:
        values = obj.__dict__
        name = ""
        try:
            for name, seen, classinfo, predicate in fast:
                value = values[name]
                if type(value) in seen:
                    continue
                if classinfo is not None:
                    if isinstance(value, classinfo):
                        remember_type(seen, value)
                        continue
                elif predicate is not None and predicate(value):
                    continue
                return _failed(plan, obj, name, None)
        except AnnotationError as e:  # a jaxtyping annotation it cannot apply
            _failed(plan, obj, name, e)

    def check_with_memo(obj: Any) -> None:
        # All fields of one instance share one jaxtyping dimension memo.
        push_memo({"self": obj})
        try:
            check_fields(obj)
        finally:
            pop_memo()

    if plan.uses_memo:
        return check_with_memo
    if all(seen is not NEVER_SEEN for _, seen, _, _ in fast):
        return _type_cache_fast_path(fast, check_fields)
    return check_fields


def _type_cache_fast_path(
    fast: _Fast, general: Callable[[Any], None]
) -> Callable[[Any], None]:
    """A straight-line check that every field's exact type was seen passing
    before (the common case after the first construction), falling back to
    `general`. Generated like dataclasses' `__init__`: a loop costs twice as
    much, and this runs on every construction."""
    values: dict[str, object] = {"general": general, "type": type}
    tests: list[str] = []
    for index, (name, seen, _, _) in enumerate(fast):
        values[f"name{index}"] = name
        values[f"seen{index}"] = seen
        tests.append(f"type(values[name{index}]) in seen{index}")
    # Everything the check reads is a closure variable (the fastest lookup).
    source = (
        f"def make({', '.join(values)}):\n"
        "    def check(obj):\n"
        "        values = obj.__dict__\n"
        f"        if not ({' and '.join(tests)}):\n"
        "            general(obj)\n"
        "    return check\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    return cast(Callable[[Any], None], namespace["make"](**values))


def _skip(obj: Any) -> None:
    del obj


def make_field_checker(cls: type) -> Callable[[Any], None] | None:
    """The function checking a freshly constructed instance of `cls`, or None
    when no field has a checkable annotation."""
    plan = _compute_plan(cls)
    if plan.complete:
        _plans[cls] = plan
        return _checker(plan) if plan.checks else None
    checker: Callable[[Any], None] | None = None

    def check_later(obj: Any) -> None:
        nonlocal checker
        if checker is None:
            later = field_plan(cls)
            checker = _checker(later) if later.checks else _skip
        checker(obj)

    return check_later
