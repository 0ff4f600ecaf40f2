"""`filter_jit`: `jax.jit` where arrays are traced and every other leaf is static.

Dispatch is the hot path, so a call does only this:

1. flatten `(args, kwargs)` once (JAX's C++ flattener);
2. look up `(treedef, leaf types)`: a `_Layout` saying which positions hold
   arrays and which hold static leaves. The types are in the key so that
   `1`, `1.0` and `True` (equal and hash-equal) never share a trace.
   Layouts that differ only in how arguments were passed (`f(x, 2)` versus
   `f(x, y=2)`, once bound to the signature) or in the kind of array (NumPy
   versus JAX) share one *canonical* layout and so one trace, as in Equinox;
3. pick the static leaves out with an `operator.itemgetter` (C speed) and
   look them up: an `_Entry` holding the `jax.jit` for those static values;
4. call that `jax.jit` with the array leaves as positional arguments (the
   donated ones last), the cheapest thing for JAX's C++ dispatch to flatten.
   Static leaves are closed over by the traced body rather than passed as
   `static_argnums`, which JAX dispatches markedly slower;
5. nothing more when the output is all arrays: JAX's C++ unflatten rebuilds
   it. An output with non-array leaves comes out of the compiled function
   as a `_WithStatics` node (its arrays as children, the rest in its node
   data) and is rebuilt here. Were the non-array leaves left in the output,
   JAX's C++ dispatch would see a non-array and send every call down its
   Python path (measured: 8x the dispatch cost of a training step).

The wrapper is an `eqx.Module` (as in Equinox): its pytree children are
the wrapped function's name and arrays (so `tree_leaves`, `eqx.filter`,
gradients and `tree_at` see a wrapped model's arrays), while the caches sit
in a static `_JitState`. Wrappers of equal functions with equal options share
one state (interned while any of them is alive), so a second
`filter_jit(f)`, or a wrapper rebuilt by `tree_unflatten`, reuses the traces
as Equinox does; deleting every wrapper frees the compiled executables. A
module-level weak mapping lets `clear_jit_cache` reach every live state without
keeping any alive.
"""

import functools
import inspect
import operator
import threading
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import (
    Any,
    Concatenate,
    Final,
    Generic,
    Literal,
    ParamSpec,
    Protocol,
    TypeAlias,
    TypeVar,
    cast,
    overload,
)

import jax.tree_util as jtu

from . import _jax_typed as jaxt
from ._errors import equinox_error_from
from ._field import field
from ._leaves import ARRAY_TYPES, first_unhashable
from ._method_checks import checked_as_method
from ._partial import module_update_wrapper
from ._transform_wrapper import MethodBinding

_P = ParamSpec("_P")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)
_S = TypeVar("_S")

Donate: TypeAlias = Literal[
    "all", "all-except-first", "warn", "warn-except-first", "none"
]
_DONATE_MODES: Final = ("all", "all-except-first", "warn", "warn-except-first", "none")
_DONATION_WARNING: Final = "Some donated buffers were not usable"

# The registry method itself: one Python frame less than `jtu.tree_flatten`.
_flatten = jtu.default_registry.flatten
# By id: equal states (see `_JitState.__eq__`) are still distinct caches.
_live_states: "weakref.WeakValueDictionary[int, _JitState]" = (
    weakref.WeakValueDictionary()
)
# One state per (function's static part, options), while a wrapper holds it.
_interned: "weakref.WeakValueDictionary[Any, _JitState]" = weakref.WeakValueDictionary()
_intern_lock = threading.Lock()


def clear_jit_cache() -> None:
    """Drop every compiled function held by every live `filter_jit` wrapper."""
    for state in list(_live_states.values()):
        state._clear()  # pyright: ignore[reportPrivateUsage]  # module-internal


class _Static:
    """A non-array output leaf inside a `_WithStatics`'s treedef: no
    children, the value as node data; it unflattens to the bare value, so
    one C++ `unflatten` of the arrays rebuilds the whole output."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


def _flatten_static(static: _Static) -> tuple[tuple[()], object]:
    return (), static.value


def _unflatten_static(value: object, children: tuple[()]) -> object:
    return value


jaxt.register_pytree_node(_Static, _flatten_static, _unflatten_static)


class _Identity:
    """Node data compared by identity of the value it wraps (a treedef holding
    static values, which may not be comparable)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return type(other) is _Identity and other.value is self.value

    def __hash__(self) -> int:
        return id(self.value)


class _WithStatics:
    """A compiled function's output holding non-array leaves: only its arrays
    are pytree children, so JAX's C++ dispatch (whose registry knows this
    node) sees arrays alone and keeps its fast path. The node data is the
    output's treedef with each non-array leaf as a `_Static` node: one per
    trace, compared by identity (a shape-dependent static output works)."""

    __slots__ = ("arrays", "treedef")

    def __init__(self, treedef: Any, arrays: Sequence[Any]) -> None:
        self.treedef = treedef
        self.arrays = arrays

    def rebuild(self) -> Any:
        return self.treedef.unflatten(self.arrays)


def _flatten_with_statics(out: _WithStatics) -> tuple[Sequence[Any], _Identity]:
    return out.arrays, _Identity(out.treedef)


def _unflatten_with_statics(treedef: _Identity, arrays: Sequence[Any]) -> _WithStatics:
    return _WithStatics(treedef.value, arrays)


jaxt.register_pytree_node(_WithStatics, _flatten_with_statics, _unflatten_with_statics)


def _static_in_treedef(out: Any) -> Any:
    """`out` itself when all its leaves are arrays, else a `_WithStatics`."""
    leaves, treedef = _flatten(out)
    if all(isinstance(leaf, ARRAY_TYPES) for leaf in leaves):
        return out
    arrays, static_treedef = _flatten(
        treedef.unflatten(
            [
                leaf if isinstance(leaf, ARRAY_TYPES) else _Static(leaf)
                for leaf in leaves
            ]
        )
    )
    return _WithStatics(static_treedef, arrays)


def _rebuilt(out: Any) -> Any:
    """A compiled function's output as the function returned it."""
    if type(out) is _WithStatics:
        return out.rebuild()
    return out


class _Entry:
    """One set of static values: its `jax.jit` and how to call it."""

    __slots__ = ("call", "jitted")

    def __init__(self) -> None:
        self.jitted: Any = None
        self.call: Callable[..., Any] = _unset


def _key_getter(positions: Sequence[int]) -> Callable[[Sequence[Any]], Any]:
    """`leaves -> key of the static leaves at positions`, at C speed: the leaf
    itself for one position, a tuple for several, `()` for none."""
    if not positions:
        return _empty
    return operator.itemgetter(*positions)


def _tuple_getter(
    positions: Sequence[int],
) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """`leaves -> tuple(leaves[i] for i in positions)`, at C speed."""
    if not positions:
        return _empty
    if len(positions) == 1:
        (i,) = positions
        return lambda leaves: (leaves[i],)
    return operator.itemgetter(*positions)


def _empty(leaves: Sequence[Any]) -> tuple[Any, ...]:
    return ()


class _Layout:
    """One argument structure (treedef + leaf types): where the arrays and
    the static leaves are (listed in the canonical layout's order), which
    arrays are donated, and the entries, one per distinct tuple of static
    values, shared with every layout of the same canonical layout."""

    __slots__ = (
        "array_positions",
        "arrays",
        "canonical",
        "donated",
        "entries",
        "static_getter",
        "static_positions",
        "treedef",
        "types",
        "with_kwargs",
    )

    def __init__(
        self,
        treedef: Any,
        types: tuple[type, ...],
        with_kwargs: bool,
        static_positions: tuple[int, ...],
        array_positions: tuple[int, ...],
        num_donated: int,
        canonical: "_Layout | None" = None,
    ) -> None:
        self.treedef: Any = treedef
        self.types: tuple[type, ...] = types
        self.with_kwargs: bool = with_kwargs
        self.static_positions: tuple[int, ...] = static_positions
        self.static_getter: Callable[[Sequence[Any]], Any] = _key_getter(
            static_positions
        )
        # Arrays are passed kept first, then the `num_donated` donated ones:
        # `donated` are the argument numbers of the latter.
        self.array_positions: tuple[int, ...] = array_positions
        kept = len(array_positions) - num_donated
        self.donated: tuple[int, ...] = tuple(range(kept, len(array_positions)))
        self.arrays: Callable[[Sequence[Any]], tuple[Any, ...]] = _tuple_getter(
            array_positions
        )
        # The layout whose treedef the traced body rebuilds (itself, for a
        # canonical layout) and whose entries every such layout shares.
        self.canonical: _Layout = self if canonical is None else canonical
        self.entries: dict[Any, _Entry] = {} if canonical is None else canonical.entries

    def static_values(self, key: Any) -> tuple[Any, ...]:
        """The static leaves, in order, from a key made by `static_getter`."""
        return (key,) if len(self.static_positions) == 1 else tuple(key)


class _ArrayLeaf:
    """Stands for "an array" in a canonical layout's key: the kind of array
    (NumPy or JAX) does not change the trace."""


class _Marker:
    """A placeholder leaf carrying its position, used to see where each leaf
    goes when the arguments are bound to the signature."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def _signature(fun: Callable[..., Any]) -> inspect.Signature | None:
    try:
        return inspect.signature(fun)
    except (TypeError, ValueError):  # builtins and the like have none
        return None


# Stands for "no call yet": no treedef compares equal to `None`'s.
_NO_LAYOUT: Final = _Layout(jtu.tree_structure(None), (), False, (), (), 0)


def _unset(*leaves: Any) -> Any:
    raise AssertionError("filter_jit cache entry used before being built")


def _silencing_donation_warnings(jitted: Any) -> Callable[..., Any]:
    def call(*leaves: Any) -> Any:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_DONATION_WARNING)
            return jitted(*leaves)

    return call


def _check_donate(donate: object) -> Donate:
    for mode in _DONATE_MODES:
        if donate == mode:
            return mode
    raise ValueError(
        f"filter_jit(donate=...) must be one of {', '.join(_DONATE_MODES)}; "
        f"got {donate!r}."
    )


class _FunSplit:
    """A function cut into its arrays (traced; pytree children of the
    wrapper) and the rest: its treedef and non-array leaves (static)."""

    __slots__ = ("arrays", "key", "positions", "template", "treedef")

    def __init__(self, fun: Callable[..., Any]) -> None:
        leaves, treedef = _flatten(fun)
        self.treedef: Any = treedef
        self.positions: tuple[int, ...] = tuple(
            i for i, leaf in enumerate(leaves) if isinstance(leaf, ARRAY_TYPES)
        )
        self.arrays: tuple[Any, ...] = tuple(leaves[i] for i in self.positions)
        self.template: tuple[Any, ...] = tuple(
            None if isinstance(leaf, ARRAY_TYPES) else leaf for leaf in leaves
        )
        # Types too: `1`, `1.0` and `True` are equal but must not share a trace.
        self.key: Any = (
            self.treedef,
            self.positions,
            tuple((type(cast(object, leaf)), leaf) for leaf in self.template),
        )


def _rebuild(
    treedef: Any,
    template: tuple[Any, ...],
    positions: tuple[int, ...],
    arrays: Sequence[Any],
) -> Callable[..., Any]:
    """A function's pytree with `arrays` at `positions` of its template."""
    leaves = list(template)
    for i, value in zip(positions, arrays, strict=True):
        leaves[i] = value
    fun: Callable[..., Any] = treedef.unflatten(leaves)
    return fun


class _JitState:
    """Everything a `filter_jit` wrapper keeps: the caches and the slow
    paths. The hot path is the closure built by `_make_call`. Compared by the
    function's static part and the options, so that wrappers of one function
    are equal (and, as pytrees, have equal structures)."""

    __slots__ = (
        "__weakref__",
        "_canonicals",
        "_donate",
        "_fun",
        "_fun_positions",
        "_fun_template",
        "_fun_treedef",
        "_jitkwargs",
        "_key",
        "_kw_layouts",
        "_latest",
        "_layouts",
        "_lock",
        "_num_fun",
        "_signature",
        "call",
    )

    def __init__(
        self,
        fun: Callable[..., Any],
        split: _FunSplit,
        donate: Donate,
        jitkwargs: dict[str, Any],
    ) -> None:
        self._fun = fun
        self._donate: Donate = donate
        self._jitkwargs = jitkwargs
        self._key: Any = (split.key, donate, jitkwargs)
        self._signature = _signature(fun)
        # The function may itself be a pytree holding arrays (a bound method
        # of a module, a callable module); those are traced, not baked in:
        # each call passes the wrapper's own, put back into the template.
        self._num_fun = len(split.positions)
        self._fun_treedef: Any = split.treedef if split.positions else None
        self._fun_positions = split.positions
        self._fun_template = split.template
        # Two caches, so that `f(a, b)` and `f(a, b=...)` can never collide.
        self._layouts: dict[Any, _Layout] = {}
        self._kw_layouts: dict[Any, _Layout] = {}
        # Canonical layouts by (bound treedef, leaf types with arrays erased).
        self._canonicals: dict[Any, _Layout] = {}
        # The latest layout used, per cache (one-element lists: the hot path
        # updates them in place).
        self._latest: tuple[list[_Layout], list[_Layout]] = ([_NO_LAYOUT], [_NO_LAYOUT])
        self._lock = threading.Lock()
        self.call: Callable[[tuple[Any, ...], tuple[Any, ...], dict[str, Any]], Any] = (
            self._make_call()
        )
        _live_states[id(self)] = self

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if type(other) is not _JitState:
            return False
        try:
            return bool(self._key == other._key)
        except Exception:  # static leaves that cannot be compared
            return False

    def __hash__(self) -> int:
        try:
            return hash(self._key[:2])
        except Exception:  # an unhashable static leaf: equal states still agree
            return 0

    def __copy__(self) -> "_JitState":
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> "_JitState":
        # A cache, shared by equal wrappers anyway: a copied wrapper uses it.
        return self

    def rebuild_fun(self, arrays: tuple[Any, ...]) -> Callable[..., Any]:
        """The function with `arrays` in place of its own."""
        if self._fun_treedef is None:
            return self._fun
        return _rebuild(
            self._fun_treedef, self._fun_template, self._fun_positions, arrays
        )

    def _clear(self) -> None:
        with self._lock:
            self._layouts.clear()
            self._kw_layouts.clear()
            self._canonicals.clear()
            for latest in self._latest:
                latest[0] = _NO_LAYOUT

    def _make_call(
        self,
    ) -> Callable[[tuple[Any, ...], tuple[Any, ...], dict[str, Any]], Any]:
        """The hot path: `call(fun_arrays, args, kwargs)`, what the wrapper's
        `__call__` runs. A closure over the caches rather than a method: a
        plain function call with local variables is cheaper. The state keeps
        it, and it reaches the state's slow paths through a weak proxy: no
        cycle, so the last wrapper dropped frees the state and its compiled
        executables at once."""
        layouts_positional, layouts_keyword = self._layouts, self._kw_layouts
        state = weakref.proxy(self)
        latest_positional, latest_keyword = self._latest

        def call(
            fun_leaves: tuple[Any, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
        ) -> Any:
            if kwargs:
                leaves, treedef = _flatten((args, kwargs))
                layouts, latest = layouts_keyword, latest_keyword
            else:
                leaves, treedef = _flatten(args)
                layouts, latest = layouts_positional, latest_positional
            if fun_leaves:
                leaves = [*fun_leaves, *leaves]
            try:
                types = tuple(map(type, leaves))
                # Comparing with the latest layout skips hashing the treedef.
                layout = latest[0]
                if layout.types != types or layout.treedef != treedef:
                    known = layouts.get(treedef)
                    if known is None or known.types != types:
                        known = state._layout(
                            layouts, leaves, treedef, bool(kwargs), args
                        )
                    latest[0] = layout = known
                static = layout.static_getter(leaves)
                entry = layout.entries.get(static)
                if entry is None:
                    entry = state._entry(layout, static)
                out = entry.call(*layout.arrays(leaves))
                if type(out) is _WithStatics:
                    out = out.rebuild()
            except Exception as e:
                state._explain(e, args, kwargs)
                checked = equinox_error_from(e)
                if checked is not None:
                    # A failed `eqx.error_if`: raise it as itself, not as
                    # JAX's wrapper around a host-callback traceback.
                    raise checked from None
                raise
            return out

        return call

    def lower(
        self, fun_arrays: tuple[Any, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> "Lowered[..., Any]":
        """Trace and lower for these arguments (ahead-of-time compilation)."""
        try:
            layout, static, leaves = self._resolve(fun_arrays, args, kwargs)
            entry = layout.entries.get(static) or self._entry(layout, static)
            lowered = entry.jitted.lower(*layout.arrays(leaves))
        except (TypeError, ValueError) as e:
            self._explain(e, args, kwargs)
            raise
        return Lowered(self, fun_arrays, lowered, layout, static)

    def _resolve(
        self, fun_arrays: tuple[Any, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[_Layout, Any, list[Any]]:
        """The layout and static values of a call (the slow, general path)."""
        if kwargs:
            leaves, treedef = _flatten((args, kwargs))
            layouts = self._kw_layouts
        else:
            leaves, treedef = _flatten(args)
            layouts = self._layouts
        if fun_arrays:
            leaves = [*fun_arrays, *leaves]
        layout = self._layout(layouts, leaves, treedef, bool(kwargs), args)
        return layout, layout.static_getter(leaves), leaves

    def _layout(
        self,
        layouts: dict[Any, _Layout],
        leaves: list[Any],
        treedef: Any,
        with_kwargs: bool,
        args: tuple[Any, ...],
    ) -> _Layout:
        """The layout for a treedef and leaf types. `layouts` maps each
        treedef to its most recently used layout (the hot path checks the
        types itself); every layout is also kept under `(treedef, types)`."""
        del args  # the canonical layout reads the arguments from the leaves
        types = tuple(map(type, leaves))
        key = (treedef, types)
        with self._lock:
            layout = layouts.get(key)
            if layout is None:
                layout = self._new_layout(leaves, treedef, types, with_kwargs)
                layouts[key] = layout
            layouts[treedef] = layout
            return layout

    def _new_layout(
        self,
        leaves: list[Any],
        treedef: Any,
        types: tuple[type, ...],
        with_kwargs: bool,
    ) -> _Layout:
        num_fun = self._num_fun
        order, canon_treedef, first_count = self._bound_order(
            leaves[num_fun:], treedef, with_kwargs
        )
        # Canonical position -> position in this call's leaves.
        perm = [*range(num_fun), *(num_fun + i for i in order)]
        canon_leaves = [leaves[i] for i in perm]
        leaf_types: list[type] = [type(leaf) for leaf in canon_leaves]
        erased = tuple(
            _ArrayLeaf if isinstance(leaf, ARRAY_TYPES) else leaf_type
            for leaf, leaf_type in zip(canon_leaves, leaf_types, strict=True)
        )
        canonical = self._canonicals.get((canon_treedef, erased))
        if canonical is None:
            static = tuple(i for i, t in enumerate(erased) if t is not _ArrayLeaf)
            kept, donated = self._donation(canon_leaves, first_count)
            canonical = _Layout(
                canon_treedef, erased, True, static, (*kept, *donated), len(donated)
            )
            self._canonicals[(canon_treedef, erased)] = canonical
        return _Layout(
            treedef,
            types,
            with_kwargs,
            tuple(perm[i] for i in canonical.static_positions),
            tuple(perm[i] for i in canonical.array_positions),
            len(canonical.donated),
            canonical,
        )

    def _bound_order(
        self, arg_leaves: list[Any], treedef: Any, with_kwargs: bool
    ) -> tuple[list[int], Any, int]:
        """Bind the call to the signature (without defaults), as Equinox
        does, so `f(x, 2)` and `f(x, y=2)` are one call structure. Returns
        the order of the leaves in the bound `(args, kwargs)`, its treedef
        and how many leaves the first positional argument has."""
        markers = [_Marker(i) for i in range(len(arg_leaves))]
        unflat = treedef.unflatten(markers)
        args: tuple[Any, ...]
        kwargs: dict[str, Any]
        args, kwargs = unflat if with_kwargs else (unflat, {})
        written: tuple[tuple[Any, ...], dict[str, Any]] = (tuple(args), dict(kwargs))
        bound = written
        if self._signature is not None:
            try:
                binding = self._signature.bind(*args, **kwargs)
                bound = (binding.args, binding.kwargs)
            except TypeError:
                pass  # the call itself will fail, with Python's message
        placed, bound_treedef = _flatten(bound)
        order = [m.index if isinstance(m, _Marker) else -1 for m in placed]
        if sorted(order) != list(range(len(arg_leaves))):
            # A node that does not hand its children back as given: keep
            # the call as it was written.
            bound = written
            placed, bound_treedef = _flatten(bound)
            order = list(range(len(arg_leaves)))
        first_count = len(jtu.tree_leaves(bound[0][0])) if bound[0] else 0
        return order, bound_treedef, first_count

    def _donation(
        self, leaves: list[Any], first_count: int
    ) -> tuple[list[int], list[int]]:
        """Array positions, in order, split into kept and donated."""
        arrays = [i for i, leaf in enumerate(leaves) if isinstance(leaf, ARRAY_TYPES)]
        if self._donate == "none":
            return arrays, []
        start = self._num_fun  # never donate the function's own arrays
        if self._donate.endswith("except-first"):
            start += first_count
        return [i for i in arrays if i < start], [i for i in arrays if i >= start]

    def _entry(self, layout: _Layout, static: Any) -> _Entry:
        """Build (once, under the lock) the `jax.jit` for new static values."""
        with self._lock:
            entry = layout.entries.get(static)
            if entry is not None:
                return entry
            entry = _Entry()
            entry.jitted = jaxt.jit(
                self._traced_body(layout.canonical, static),
                donate_argnums=layout.donated,
                **self._jitkwargs,
            )
            silent = self._donate in ("all", "all-except-first")
            entry.call = (
                _silencing_donation_warnings(entry.jitted) if silent else entry.jitted
            )
            layout.entries[static] = entry
            return entry

    def _traced_body(self, layout: _Layout, static: Any) -> Callable[..., Any]:
        fun = self._fun
        fun_treedef = self._fun_treedef
        num_fun = self._num_fun
        # Values, not bound methods: the compiled function (in this state's
        # caches) must not hold the state, or dropping it would need the GC.
        fun_template, fun_positions = self._fun_template, self._fun_positions
        template: list[Any] = [None] * (num_fun + layout.treedef.num_leaves)
        for i, value in zip(
            layout.static_positions, layout.static_values(static), strict=True
        ):
            template[i] = value
        positions = layout.array_positions
        treedef, with_kwargs = layout.treedef, layout.with_kwargs

        def body(*arrays: Any) -> Any:
            leaves = list(template)
            for i, value in zip(positions, arrays, strict=True):
                leaves[i] = value
            call: Callable[..., Any] = fun
            if fun_treedef is not None:
                call = _rebuild(
                    fun_treedef, fun_template, fun_positions, leaves[:num_fun]
                )
            unflat = treedef.unflatten(leaves[num_fun:])
            args: tuple[Any, ...]
            kwargs: dict[str, Any]
            if with_kwargs:
                args, kwargs = unflat
            else:
                args, kwargs = unflat, {}
            return _static_in_treedef(call(*args, **kwargs))

        return body

    def _explain(
        self, error: Exception, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """Re-raise JAX's complaint about an unhashable static leaf naming it."""
        if not isinstance(error, TypeError | ValueError):
            return
        message = str(error)
        if "unhashable" not in message and "Non-hashable" not in message:
            return
        where = first_unhashable(args, kwargs)
        if where is None:
            return
        name = getattr(self._fun, "__qualname__", repr(self._fun))
        raise TypeError(
            f"filter_jit({name}): the argument at {where} is not an array, so it "
            "is static and must be hashable, but it is not. Make it hashable, "
            "pass it as an array, or close over it instead."
        ) from error


_P2 = ParamSpec("_P2")
_R2 = TypeVar("_R2")


class Lowered(Generic[_P, _R_co]):
    """`filter_jit(f).lower(...)`: call `.compile()` to get an executable."""

    def __init__(
        self,
        wrapper: _JitState,
        fun_arrays: tuple[Any, ...],
        lowered: Any,
        layout: _Layout,
        static: Any,
    ) -> None:
        self._wrapper = wrapper
        self._fun_arrays = fun_arrays
        self._lowered = lowered
        self._layout = layout
        self._static = static

    @property
    def lowered(self) -> Any:
        """The underlying `jax.stages.Lowered`."""
        return self._lowered

    def as_text(self) -> str:
        """The lowered program (StableHLO) as text."""
        return str(self._lowered.as_text())

    def compile(
        self, compiler_options: dict[str, Any] | None = None
    ) -> "Compiled[_P, _R_co]":
        """Compile (`compiler_options` go to XLA, as for `jax.jit`'s
        `Lowered.compile`); the result is called with arguments of the same
        structure."""
        return Compiled(
            self._wrapper,
            self._fun_arrays,
            self._lowered.compile(compiler_options),
            self._layout,
            self._static,
        )


class Compiled(Generic[_P, _R_co]):
    """An executable from `Lowered.compile()`; call it like the function."""

    def __init__(
        self,
        wrapper: _JitState,
        fun_arrays: tuple[Any, ...],
        compiled: Any,
        layout: _Layout,
        static: Any,
    ) -> None:
        self._wrapper = wrapper
        self._fun_arrays = fun_arrays
        self._compiled = compiled
        self._layout = layout
        self._static = static

    @property
    def compiled(self) -> Any:
        """The underlying `jax.stages.Compiled`."""
        return self._compiled

    def as_text(self) -> str | None:
        """The compiled program as text, when the backend provides it."""
        text: str | None = self._compiled.as_text()
        return text

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co:
        layout, static, leaves = self._wrapper._resolve(self._fun_arrays, args, kwargs)  # pyright: ignore[reportPrivateUsage]  # module-internal
        lowered = self._layout
        got, expected = layout.canonical, lowered.canonical
        if got.treedef != expected.treedef or got.types != expected.types:
            raise TypeError(
                "this compiled function was lowered for arguments of a different "
                f"structure; lowered for {lowered.treedef}, called with "
                f"{layout.treedef}."
            )
        pairs = zip(
            layout.static_values(static),
            layout.static_values(self._static),
            strict=True,
        )
        for got, expected in pairs:
            if not (got is expected or got == expected):
                raise TypeError(
                    "this compiled function was lowered with a different static "
                    f"(non-array) argument: expected {expected!r}, got {got!r}."
                )
        return _rebuilt(self._compiled(*layout.arrays(leaves)))  # type: ignore[no-any-return]  # the output of the function


class _JitWrapper(Protocol[_P, _R_co]):
    """What `filter_jit(fun)` returns: called like `fun`; `.lower(...)` for
    ahead-of-time compilation; usable as a method (binds like a function).

    At run time this is a `_JitModule` (an `eqx.Module` shown as
    `_JitWrapper`, as in Equinox)."""

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...

    def lower(self, *args: _P.args, **kwargs: _P.kwargs) -> "Lowered[_P, _R_co]": ...

    @overload
    def __get__(
        self, instance: None, owner: type[Any] | None = None
    ) -> "_JitWrapper[_P, _R_co]": ...
    @overload
    def __get__(
        self: "_JitWrapper[Concatenate[_S, _P2], _R2]",
        instance: _S,
        owner: type[Any] | None = None,
    ) -> "Callable[_P2, _R2]": ...
    # The same binding spelled for Pyrefly, which cannot solve a ParamSpec
    # through `Concatenate` in a protocol's own type arguments (the overload
    # above); the other checkers bind with the one above and never get here.
    @overload
    def __get__(
        self: "Callable[Concatenate[_S, _P2], _R2]",
        instance: _S,
        owner: type[Any] | None = None,
    ) -> "Callable[_P2, _R2]": ...
    def __get__(self, instance: object, owner: type[Any] | None = None) -> Any: ...


class _JitDecorator(Protocol):
    def __call__(self, fun: Callable[_P, _R], /) -> _JitWrapper[_P, _R]: ...


def _fun_name(fun: object) -> str:
    """The name Equinox shows for a wrapped function (its `fn` field)."""
    while isinstance(fun, functools.partial):
        fun = fun.func  # pyright: ignore[reportUnknownMemberType]  # any partial
    name = getattr(fun, "__qualname__", None)
    return name if isinstance(name, str) else type(fun).__qualname__


class _JitModule(MethodBinding, typecheck=False):
    """`filter_jit(fun)` at run time: a Module whose pytree children are the
    function's name and arrays. Fields and repr as Equinox's `_JitWrapper`;
    the caches are in the static `_state`."""

    fn: str
    _dynamic_fun: tuple[Any, ...] = field(repr=False)
    _state: _JitState = field(static=True, repr=False)
    filter_warning: bool = field(static=True)
    donate_first: bool = field(static=True)
    donate_rest: bool = field(static=True)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._state.call(self._dynamic_fun, args, kwargs)

    def lower(self, *args: Any, **kwargs: Any) -> "Lowered[..., Any]":
        """Trace and lower for these arguments (ahead-of-time compilation)."""
        return self._state.lower(self._dynamic_fun, args, kwargs)

    @property
    def __wrapped__(self) -> Callable[..., Any]:
        return self._state.rebuild_fun(self._dynamic_fun)

    def __set_name__(self, owner: type, name: str) -> None:
        # A method of a Module class: compile its checked version.
        checked = checked_as_method(owner, name, self.__wrapped__)
        if checked is not None:
            state = self._state
            new_state, _ = _state_for(checked, state._donate, state._jitkwargs)  # pyright: ignore[reportPrivateUsage]  # module-internal
            object.__setattr__(self, "_state", new_state)


# The class name Equinox shows (`repr`); the protocol keeps the name for
# static checkers.
_JitModule.__name__ = _JitModule.__qualname__ = "_JitWrapper"


def _state_for(
    fun: Callable[..., Any], donate: Donate, jitkwargs: dict[str, Any]
) -> tuple[_JitState, tuple[Any, ...]]:
    """The (shared) state for `fun` and these options, and `fun`'s arrays."""
    split = _FunSplit(fun)
    key = (split.key, donate, tuple(sorted(jitkwargs.items())))
    with _intern_lock:
        try:
            state = _interned.get(key)
        except Exception:  # static leaves that cannot be hashed or compared
            return _JitState(fun, split, donate, jitkwargs), split.arrays
        if state is None:
            state = _interned[key] = _JitState(fun, split, donate, jitkwargs)
    return state, split.arrays


def _make_jit(
    fun: Callable[_P, _R], donate: Donate, jitkwargs: dict[str, Any]
) -> _JitWrapper[_P, _R]:
    state, arrays = _state_for(fun, donate, jitkwargs)
    wrapper = _JitModule(
        fn=_fun_name(fun),
        _dynamic_fun=arrays,
        _state=state,
        filter_warning=donate in ("all", "all-except-first"),
        donate_first=donate in ("all", "warn"),
        donate_rest=donate != "none",
    )
    return cast("_JitWrapper[_P, _R]", module_update_wrapper(wrapper, fun))


# Arguments of `jax.jit` that `filter_jit` decides itself.
_OWN_JIT_ARGUMENTS: Final = (
    "static_argnums",
    "static_argnames",
    "donate_argnums",
    "donate_argnames",
    "in_shardings",
    "out_shardings",
)


def _check_jitkwargs(jitkwargs: dict[str, Any]) -> dict[str, Any]:
    own = [name for name in _OWN_JIT_ARGUMENTS if name in jitkwargs]
    if own:
        # ValueError: the class Equinox raises here.
        raise ValueError(
            f"filter_jit: {', '.join(own)} cannot be passed on to jax.jit; "
            "filter_jit itself decides which arguments are static (the "
            "non-arrays) and which are donated (`donate=`)."
        )
    return jitkwargs


@overload
def filter_jit(
    fun: Callable[_P, _R], /, *, donate: Donate = "none", **jitkwargs: Any
) -> _JitWrapper[_P, _R]: ...
@overload
def filter_jit(
    fun: None = None, /, *, donate: Donate = "none", **jitkwargs: Any
) -> _JitDecorator: ...
def filter_jit(
    fun: Callable[_P, _R] | None = None,
    /,
    *,
    donate: Donate = "none",
    **jitkwargs: Any,
) -> _JitWrapper[_P, _R] | _JitDecorator:
    """Compile `fun` with XLA; arrays are traced, every other leaf is static.

    Compiles once per static structure (the pytree structure of the arguments
    plus their non-array leaves) and per array shape/dtype; later calls with
    the same structure reuse the executable. Non-array outputs are returned as
    the trace produced them.

    `donate` says which input buffers XLA may reuse for outputs: `"all"`
    (every array argument, silently), `"all-except-first"`, their `"warn-"`
    counterparts (which let JAX warn when a donation cannot be used), or
    `"none"` (the default).

    Other keyword arguments (`device=`, `keep_unused=`, `inline=`, ...) are
    passed on to `jax.jit`; those that `filter_jit` decides itself
    (`static_argnums`, `donate_argnums`, shardings, ...) are a `ValueError`.

    Usable as `@filter_jit`, `@filter_jit(donate=...)`, on functions, bound
    methods of modules and callable modules.
    """
    mode = _check_donate(donate)
    extra = _check_jitkwargs(jitkwargs)
    if fun is None:
        # A `functools.partial`, as Equinox returns.
        return cast(
            "_JitDecorator", functools.partial(_make_jit, donate=mode, jitkwargs=extra)
        )
    if not callable(fun):
        raise TypeError(f"filter_jit expects a callable; got {fun!r}.")
    return _make_jit(fun, mode, extra)
