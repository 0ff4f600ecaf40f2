"""Static unification of shapes, one memo per call, as jaxtyping does at run time.

The expected side is a callee's annotation; the actual side is what the caller
knows about its argument, in the caller's own names. A caller-side dimension is
a `Term`: a known size (`int`), a caller-side name (`Sym`, equal only to
itself) or unknown (`None`). Only two different known sizes contradict each
other; names and unknowns never cause an error (gradual checking).
"""

import dataclasses
from collections.abc import Sequence

from .._shape_spec import (
    AnonymousDim,
    Dim,
    FixedDim,
    NamedDim,
    ShapeSpec,
    SymbolicDim,
    VariadicDim,
    evaluate_symbolic,
    format_shape,
)


@dataclasses.dataclass(frozen=True, slots=True)
class Sym:
    """A caller-side named dimension (same name in one scope = same size)."""

    name: str


@dataclasses.dataclass(frozen=True, slots=True)
class VarRef:
    """A caller-side variadic group `*name` (unknown length)."""

    name: str


Term = int | Sym | None
# An item of a variadic binding; `VarRef(\"\")` is an anonymous group of any length.
Item = int | Sym | None | VarRef


@dataclasses.dataclass(slots=True)
class Memo:
    """Bindings of one call: single names, variadic names, and who bound them."""

    single: dict[str, Term] = dataclasses.field(default_factory=dict[str, Term])
    variadic: dict[str, tuple[Item, ...]] = dataclasses.field(
        default_factory=dict[str, tuple[Item, ...]]
    )
    origin: dict[str, str] = dataclasses.field(default_factory=dict[str, str])

    def copy(self) -> "Memo":
        return Memo(dict(self.single), dict(self.variadic), dict(self.origin))

    def known_sizes(self) -> dict[str, int]:
        return {k: v for k, v in self.single.items() if isinstance(v, int)}


def term_of(dim: Dim) -> Item:
    """What a caller-side dimension tells about its size."""
    match dim:
        case FixedDim(size, False):
            return size
        case NamedDim(name, False, False):
            return Sym(name)
        case VariadicDim(name, False, False) if name:
            return VarRef(name)
        case VariadicDim():
            return VarRef("")
        case _:
            return None


def _show(term: Item) -> str:
    if isinstance(term, Sym):
        return term.name
    if isinstance(term, VarRef):
        return "*" + term.name if term.name else "..."
    return "?" if term is None else str(term)


class _Mismatch(Exception):
    pass


class _NamesMismatch(_Mismatch):
    """Two different names of one scope (only with `distinct` names given)."""


class Reason(str):
    """Why unification failed; `names` when only distinct names disagree."""

    names: bool = False


def unify(
    expected: ShapeSpec,
    actual: ShapeSpec,
    memo: Memo,
    who: str,
    distinct: frozenset[str] = frozenset(),
) -> Reason | None:
    """Unify in place; on a contradiction return the reason and leave memo as it was.

    `distinct`: names of the scope whose annotation is `expected`, when the
    value comes from that same scope (a return, a field set in `__init__`):
    there a different name of that scope is a different size.
    """
    trial = memo.copy()
    try:
        _unify(expected, actual, trial, who, distinct)
    except _Mismatch as e:
        reason = Reason(str(e))
        reason.names = isinstance(e, _NamesMismatch)
        return reason
    memo.single, memo.variadic, memo.origin = trial.single, trial.variadic, trial.origin
    return None


def _unify(
    expected: ShapeSpec,
    actual: ShapeSpec,
    memo: Memo,
    who: str,
    distinct: frozenset[str] = frozenset(),
) -> None:
    e, a = expected.dims, actual.dims
    ev, av = expected.variadic_index, actual.variadic_index
    pairs: list[tuple[int, Dim, Dim]] = []
    if av is None:
        if ev is None:
            if len(a) != len(e):
                raise _Mismatch(f"it has {len(a)} dimensions, not {len(e)}")
            pairs = [(i, x, y) for i, (x, y) in enumerate(zip(e, a, strict=False))]
        else:
            if len(a) < len(e) - 1:
                raise _Mismatch(
                    f"it has {len(a)} dimensions, not at least {len(e) - 1}"
                )
            suffix = len(e) - ev - 1
            pairs = [(i, e[i], a[i]) for i in range(ev)]
            pairs += [(len(a) - k, e[-k], a[-k]) for k in range(1, suffix + 1)]
            _bind_variadic(e[ev], a[ev : len(a) - suffix], memo, who)
    else:
        a_pre, a_suf = av, len(a) - av - 1
        if ev is None:
            if len(a) - 1 > len(e):
                raise _Mismatch(
                    f"it has at least {len(a) - 1} dimensions, not {len(e)}"
                )
            pairs = [(i, e[i], a[i]) for i in range(a_pre)]
            pairs += [(-k, e[-k], a[-k]) for k in range(1, a_suf + 1)]
        else:
            e_pre, e_suf = ev, len(e) - ev - 1
            pairs = [(i, e[i], a[i]) for i in range(min(a_pre, e_pre))]
            m = min(a_suf, e_suf)
            pairs += [(-k, e[-k], a[-k]) for k in range(1, m + 1)]
            if a_pre >= e_pre and a_suf >= e_suf:
                _bind_variadic(e[ev], a[e_pre : len(a) - e_suf], memo, who)
    # Names first, so symbolic sizes such as `n+1` can use every binding.
    pairs.sort(key=lambda p: isinstance(p[1], SymbolicDim))
    for axis, want, got in pairs:
        _unify_dim(axis, want, term_of(got), memo, who, distinct)


def _unify_dim(
    axis: int,
    want: Dim,
    got: Item,
    memo: Memo,
    who: str,
    distinct: frozenset[str] = frozenset(),
) -> None:
    if isinstance(got, VarRef):
        return
    broadcast = getattr(want, "broadcastable", False)
    if broadcast and got in (1, None):
        return  # size 1 always broadcasts; unknown might be 1
    match want:
        case FixedDim(size):
            if isinstance(got, int) and got != size:
                raise _Mismatch(f"axis {axis} has size {got}, not {size}")
        case NamedDim(name, _, False):
            if (
                isinstance(got, Sym)
                and got.name != name
                and {got.name, name} <= distinct
            ):
                raise _NamesMismatch(f"axis {axis} is {got.name}, not {name}")
            prev = memo.single.get(name)
            if isinstance(prev, int) and isinstance(got, int) and prev != got:
                raise _Mismatch(
                    f"dimension {name} is {got} here but {prev} from {memo.origin[name]}"
                )
            if name not in memo.single or (
                isinstance(got, int) and not isinstance(prev, int)
            ):
                memo.single[name] = got
                memo.origin[name] = who
        case SymbolicDim(expr):
            value = evaluate_symbolic(expr, memo.known_sizes())
            if value is not None and isinstance(got, int) and value != got:
                raise _Mismatch(f"axis {axis} has size {got}, but {expr} = {value}")
        case _:
            pass


def _bind_variadic(want: Dim, got: Sequence[Dim], memo: Memo, who: str) -> None:
    assert isinstance(want, VariadicDim)
    if want.anonymous or want.broadcastable or want.treepath:
        return
    items = tuple(term_of(d) for d in got)
    prev = memo.variadic.get(want.name)
    if prev is None:
        memo.variadic[want.name] = items
        memo.origin["*" + want.name] = who
        return
    if any(isinstance(x, VarRef) for x in prev + items):
        return  # lengths unknown: nothing provable
    shown = " ".join(_show(x) for x in items) or "()"
    before = " ".join(_show(x) for x in prev) or "()"
    origin = memo.origin["*" + want.name]
    if len(prev) != len(items):
        raise _Mismatch(f"*{want.name} is ({shown}) here but ({before}) from {origin}")
    for x, y in zip(prev, items, strict=False):
        if isinstance(x, int) and isinstance(y, int) and x != y:
            raise _Mismatch(
                f"*{want.name} is ({shown}) here but ({before}) from {origin}"
            )


def instantiate(spec: ShapeSpec, memo: Memo) -> ShapeSpec:
    """`spec` rewritten in the caller's terms; what the call leaves unknown is `_`."""
    dims: list[Dim] = []
    for dim in spec.dims:
        match dim:
            case NamedDim(name, b, False) if name in memo.single:
                dims.append(_dim_of(memo.single[name], b))
            case SymbolicDim(expr, b):
                value = evaluate_symbolic(expr, memo.known_sizes())
                dims.append(AnonymousDim() if value is None else FixedDim(value, b))
            case FixedDim():
                dims.append(dim)
            case VariadicDim(name, False, False) if name in memo.variadic:
                dims.extend(_item_dim(x) for x in memo.variadic[name])
            case VariadicDim():
                dims.append(VariadicDim())
            case _:
                dims.append(AnonymousDim())
    # A binding can splice a caller variadic next to an unbound one: keep one.
    out: list[Dim] = []
    for d in dims:
        if isinstance(d, VariadicDim) and any(isinstance(x, VariadicDim) for x in out):
            out = [AnonymousDim() if isinstance(x, VariadicDim) else x for x in out]
            d = VariadicDim()
        out.append(d)
    return ShapeSpec(tuple(out))


def _dim_of(term: Term, broadcastable: bool) -> Dim:
    if isinstance(term, int):
        return FixedDim(term, broadcastable and term == 1)
    if isinstance(term, Sym):
        return NamedDim(term.name)
    return AnonymousDim()


def _item_dim(item: Item) -> Dim:
    if isinstance(item, VarRef):
        return VariadicDim(item.name, spelling="*" + item.name if item.name else "...")
    return _dim_of(item, False)


def describe(spec: ShapeSpec) -> str:
    return format_shape(spec)
