"""Checking the arguments and return value of annotated Module methods.

A method whose signature mentions a jaxtyping type is replaced, when its class
is created, by a wrapper. Each call opens a jaxtyping memo, binds the
dimensions of the instance's fields that the signature refers to (so `x:
Float[Array, "in"]` must agree with `weight: Float[Array, "out in"]`), checks
every annotated argument, calls the method, and checks the return value. Under
`jax.jit` this is ordinary Python running at trace time on tracers' shapes and
dtypes: nothing is added to the compiled program.
"""

import dataclasses
import functools
import inspect
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Final

from jaxtyping import AnnotationError

from ._errors import TypeCheckError, type_check_message
from ._fields import Checked, annotation_error, field_plan, report_each
from ._hints import (
    HintCheck,
    Unresolved,
    compile_hint,
    mentions_jaxtyping,
    resolve,
)
from ._level import Level, checks_run, class_level
from ._memo import pop_memo, push_memo
from ._names import owner_name
from ._report import class_key

# A field to bind: (label, check, field name).
_Binder = tuple[str, HintCheck, str]
_Param = tuple[str, HintCheck | None]
_POSITIONAL: Final = (
    inspect.Parameter.POSITIONAL_ONLY,
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
)
_KEYWORD: Final = (
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
    inspect.Parameter.KEYWORD_ONLY,
)


@dataclasses.dataclass(frozen=True, slots=True)
class _MethodPlan:
    owner: str
    # Parameters after `self` that may be passed by position, in order, as
    # (label for messages, check).
    positional: tuple[_Param, ...]
    var_positional: _Param | None
    keyword: Mapping[str, HintCheck | None]
    var_keyword: _Param | None
    returns: HintCheck | None
    dim_names: frozenset[str]
    uses_memo: bool
    checks_anything: bool
    # Per instance class: the fields whose dimensions the signature mentions.
    field_binders: weakref.WeakKeyDictionary[type, tuple[_Binder, ...]] = (
        dataclasses.field(default_factory=lambda: _new_binders())
    )


def _new_binders() -> weakref.WeakKeyDictionary[type, tuple[_Binder, ...]]:
    return weakref.WeakKeyDictionary()


def _plan(fn: Callable[..., Any]) -> _MethodPlan | None:
    """None when `fn` has no `self` parameter to bind."""
    params = list(inspect.signature(fn).parameters.values())
    if not params or params[0].kind not in _POSITIONAL:
        return None
    globalns: Mapping[str, Any] = getattr(fn, "__globals__", {})

    def compile_annotation(annotation: object) -> HintCheck | None:
        if annotation is inspect.Parameter.empty:
            return None
        return compile_hint(resolve(annotation, globalns))

    positional: list[_Param] = []
    keyword: dict[str, HintCheck | None] = {}
    var_positional: _Param | None = None
    var_keyword: _Param | None = None
    for p in params[1:]:
        check = compile_annotation(p.annotation)
        if p.kind in _POSITIONAL:
            positional.append((f"argument '{p.name}'", check))
        if p.kind in _KEYWORD:
            keyword[p.name] = check
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            var_positional = (p.name, check)
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            var_keyword = (p.name, check)
    returns = compile_annotation(inspect.signature(fn).return_annotation)
    checks = [c for _, c in positional] + list(keyword.values()) + [returns]
    checks += [var_positional[1] if var_positional else None]
    checks += [var_keyword[1] if var_keyword else None]
    present = [c for c in checks if c is not None]
    return _MethodPlan(
        owner=owner_name(
            getattr(fn, "__module__", "") or "", getattr(fn, "__qualname__", repr(fn))
        ),
        positional=tuple(positional),
        var_positional=var_positional,
        keyword=keyword,
        var_keyword=var_keyword,
        returns=returns,
        dim_names=frozenset[str]().union(*(c.dim_names for c in present)),
        uses_memo=any(c.uses_memo for c in present),
        checks_anything=bool(present),
    )


def _choose_binders(
    plan: _MethodPlan,
    fields: tuple[tuple[str, HintCheck], ...],
    values: Mapping[str, object],
) -> tuple[_Binder, ...]:
    """Fields to check before the arguments, in field order: each one that
    binds a dimension the signature mentions and no earlier chosen field binds
    (for a Linear, `weight` binds both `out` and `in`; `bias` is not needed)."""
    wanted = set(plan.dim_names)
    chosen: list[_Binder] = []
    for name, check in fields:
        if check.uses_memo and name in values and check.dim_names & wanted:
            chosen.append((f"field '{name}'", check, name))
            wanted -= check.dim_names
    return tuple(chosen)


def _field_items(plan: _MethodPlan, instance: object) -> tuple[Checked, ...]:
    """Checks binding the instance's field dimensions that `plan` refers to."""
    cls = type(instance)
    values: dict[str, object] = getattr(instance, "__dict__", {})
    binders = plan.field_binders.get(cls)
    if binders is None:
        binders = _choose_binders(plan, field_plan(cls).checks, values)
        plan.field_binders[cls] = binders
    return tuple((label, check, values[name]) for label, check, name in binders)


def _argument_items(
    plan: _MethodPlan, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[Checked]:
    """The annotated arguments of one call, symbolic-dimension ones last."""
    first: list[Checked] = []
    last: list[Checked] = []

    def add(label: str, check: HintCheck | None, value: object) -> None:
        if check is not None:
            (last if check.symbolic else first).append((label, check, value))

    n_positional = len(plan.positional)
    for index, value in enumerate(args[1:]):
        if index < n_positional:
            label, check = plan.positional[index]
            add(label, check, value)
        elif plan.var_positional is not None:
            name, check = plan.var_positional
            add(f"argument '*{name}'[{index - n_positional}]", check, value)
    for name, value in kwargs.items():
        if name in plan.keyword:
            add(f"argument '{name}'", plan.keyword[name], value)
        elif plan.var_keyword is not None:
            add(
                f"argument '{name}' (**{plan.var_keyword[0]})",
                plan.var_keyword[1],
                value,
            )
    first.extend(last)
    return first


def _bind_fields(items: tuple[Checked, ...]) -> None:
    # A field that no longer matches its annotation (possible after tree
    # surgery) binds nothing; construction already reported real mismatches.
    for _, check, value in items:
        try:
            check.passes(value)
        except AnnotationError:
            pass


def _check_items(
    plan: _MethodPlan,
    instance: object,
    passed: tuple[Checked, ...],
    items: list[Checked],
) -> None:
    for index, (label, check, value) in enumerate(items):
        try:
            ok = check.passes(value)
        except AnnotationError as e:
            level = class_level(type(instance))
            if level == "error":
                raise annotation_error(plan.owner, label, e) from e
            _report_rest(
                plan, instance, passed + tuple(items[:index]), items[index:], level
            )
            return
        if not ok:
            level = class_level(type(instance))
            if level == "error":
                raise TypeCheckError(
                    type_check_message(
                        plan.owner,
                        label,
                        {"self": instance},
                        passed + tuple(items[:index]),
                        check,
                        value,
                    )
                )
            _report_rest(
                plan, instance, passed + tuple(items[:index]), items[index:], level
            )
            return


def _report_rest(
    plan: _MethodPlan,
    instance: object,
    passed: tuple[Checked, ...],
    items: list[Checked],
    level: Level,
) -> None:
    """Report each mismatch among `items` (the first of which failed)."""
    where = f"{class_key(type(instance))}: {plan.owner}"
    report_each(level, plan.owner, where, instance, passed, items)


def _checked_call(
    plan: _MethodPlan,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    instance = args[0]
    push_memo({"self": instance})
    try:
        fields = _field_items(plan, instance)
        _bind_fields(fields)
        items = _argument_items(plan, args, kwargs)
        _check_items(plan, instance, fields, items)
        out = fn(*args, **kwargs)
        if plan.returns is not None:
            _check_items(
                plan,
                instance,
                fields + tuple(items),
                [("return value", plan.returns, out)],
            )
        return out
    finally:
        pop_memo()


def _is_checkable(name: str, value: object) -> bool:
    public = not name.startswith("_") or name == "__call__"
    return (
        public
        and inspect.isfunction(value)
        and not inspect.isgeneratorfunction(value)
        and not inspect.iscoroutinefunction(value)
        and not inspect.isasyncgenfunction(value)
        and bool(value.__annotations__)
    )


def _needs_wrapper(fn: Callable[..., Any]) -> bool:
    """Whether some annotation of `fn` constrains anything (a bare `-> None`,
    `Any` and `object` do not), or cannot be resolved yet (then the first
    call decides)."""
    globalns: Mapping[str, Any] = getattr(fn, "__globals__", {})
    for key, annotation in fn.__annotations__.items():
        if key == "return" and annotation in (None, "None"):
            continue
        hint = resolve(annotation, globalns)
        if isinstance(hint, Unresolved) or mentions_jaxtyping(hint):
            return True
        if hint is not Any and hint is not object:
            return True
    return False


def checked_method(name: str, fn: object) -> Callable[..., Any] | None:
    """A wrapper checking calls of method `fn`; None when `fn` needs none
    (not public, or no annotation that constrains anything)."""
    if not _is_checkable(name, fn):
        return None
    assert inspect.isfunction(fn)
    method: Callable[..., Any] = fn
    if not _needs_wrapper(method):
        return None
    # Planned at the first call: cheaper imports, and forward references in
    # string annotations have usually become resolvable by then.
    cell: list[_MethodPlan | None] = []

    @functools.wraps(method)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not cell:
            cell.append(_plan(method))
        plan = cell[0]
        instance: object = args[0] if args else None
        if (
            plan is None
            or not args
            or not plan.checks_anything
            or not checks_run(type(instance))
        ):
            return method(*args, **kwargs)
        return _checked_call(plan, method, args, kwargs)

    return checked
