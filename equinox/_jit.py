"""`filter_jit`: `jax.jit` where arrays are traced and every other leaf is static.

Dispatch is the hot path, so a call does only this:

1. flatten `(args, kwargs)` once (JAX's C++ flattener);
2. look up `(treedef, leaf types)`: a `_Layout` saying which positions hold
   arrays and which hold static leaves. The types are in the key so that
   `1`, `1.0` and `True` (equal and hash-equal) never share a trace;
3. pick the static leaves out with an `operator.itemgetter` (C speed) and
   look them up: an `_Entry` holding the `jax.jit` for those static values;
4. call that `jax.jit` with the array leaves as one tuple (or a few tuples,
   when some are donated), which JAX's C++ dispatch handles as fast as any
   pytree argument. Static leaves are closed over by the traced body rather
   than passed as `static_argnums`, which JAX dispatches markedly slower.

The caches live on the wrapper object, so deleting the wrapper frees its
compiled executables; a module-level `WeakSet` lets `clear_jit_cache` reach
every live wrapper without keeping any alive.
"""

import functools
import itertools
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

import jax
import jax.tree_util as jtu

from . import _jax_typed as jaxt
from ._errors import equinox_error_from
from ._leaves import ARRAY_TYPES, first_unhashable

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
_live_states: "weakref.WeakSet[_JitState]" = weakref.WeakSet()


def clear_jit_cache() -> None:
    """Drop every compiled function held by every live `filter_jit` wrapper."""
    for state in list(_live_states):
        state._clear()  # pyright: ignore[reportPrivateUsage]  # module-internal


class _OutInfo:
    """How to rebuild a traced function's output from its array leaves.

    When every output leaf is an array (`all_traced`), the compiled function
    returns the output pytree itself and JAX rebuilds it; otherwise it returns
    the flat list of array leaves and `rebuild` puts the static ones back.
    """

    __slots__ = ("all_traced", "static", "treedef")

    def __init__(self, treedef: Any, static: tuple[Any, ...]) -> None:
        self.treedef: Any = treedef
        self.static: tuple[Any, ...] = static
        self.all_traced: bool = all(leaf is None for leaf in static)

    def same_as(self, other: "_OutInfo") -> bool:
        if self.treedef != other.treedef:
            return False
        try:
            return all(
                a is b or bool(a == b)
                for a, b in zip(self.static, other.static, strict=True)
            )
        except Exception:  # a static output that cannot be compared
            return False

    def rebuild(self, out: Any) -> Any:
        if self.all_traced:
            return out
        it = iter(out)
        return self.treedef.unflatten(
            [next(it) if leaf is None else leaf for leaf in self.static]
        )


def _signature(leaves: tuple[Any, ...] | list[Any]) -> tuple[Any, ...]:
    """Shapes/dtypes of the array leaves: what JAX retraces on."""
    out: list[Any] = []
    for leaf in leaves:
        if isinstance(leaf, ARRAY_TYPES):
            aval = jax.typeof(leaf)
            out.append((aval.shape, aval.dtype, aval.weak_type))
    return tuple(out)


class _Entry:
    """One set of static values: its `jax.jit` and what its traces returned.

    Usually every trace of an entry gives the same non-array outputs
    (`single`). If a retrace for new shapes gives different ones (say the
    function returns `x.shape[0]`), outputs are looked up by signature.
    """

    __slots__ = ("by_signature", "call", "jitted", "single")

    def __init__(self) -> None:
        self.jitted: Any = None
        self.call: Callable[..., Any] = _unset
        self.single: _OutInfo | None = None
        self.by_signature: dict[tuple[Any, ...], _OutInfo] = {}

    def record(self, signature: tuple[Any, ...], info: _OutInfo) -> None:
        if not self.by_signature:
            self.single = info
        elif self.single is not None and not self.single.same_as(info):
            self.single = None
        self.by_signature[signature] = info


def _key_getter(positions: Sequence[int]) -> Callable[[Sequence[Any]], Any]:
    """`leaves -> key of the static leaves at positions`, at C speed: the leaf
    itself for one position, a tuple for several, `()` for none."""
    if not positions:
        return _empty
    return operator.itemgetter(*positions)


def _getter(positions: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
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
    the static leaves are, how the arrays are grouped for donation, and one
    `_Entry` per distinct tuple of static values."""

    __slots__ = (
        "entries",
        "group_getters",
        "groups",
        "single_getter",
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
        groups: list[list[int]],
    ) -> None:
        self.treedef: Any = treedef
        self.types: tuple[type, ...] = types
        self.with_kwargs: bool = with_kwargs
        self.static_positions: tuple[int, ...] = static_positions
        self.static_getter: Callable[[Sequence[Any]], Any] = _key_getter(
            static_positions
        )
        self.groups: list[list[int]] = groups
        self.group_getters: list[Callable[[Sequence[Any]], tuple[Any, ...]]] = [
            _getter(group) for group in groups
        ]
        # The common case (nothing donated): one tuple of arrays.
        self.single_getter: Callable[[Sequence[Any]], tuple[Any, ...]] | None = (
            self.group_getters[0] if len(groups) == 1 else None
        )
        self.entries: dict[Any, _Entry] = {}

    def arrays(self, leaves: Sequence[Any]) -> list[tuple[Any, ...]]:
        return [get(leaves) for get in self.group_getters]

    def static_values(self, key: Any) -> tuple[Any, ...]:
        """The static leaves, in order, from a key made by `static_getter`."""
        return (key,) if len(self.static_positions) == 1 else tuple(key)


def _unset(*leaves: Any) -> Any:
    raise AssertionError("filter_jit cache entry used before being built")


def _silencing_donation_warnings(jitted: Any) -> Callable[..., Any]:
    def call(*leaves: Any) -> Any:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_DONATION_WARNING)
            return jitted(*leaves)

    return call


def _split_output(out: Any) -> tuple[list[Any], _OutInfo]:
    leaves, treedef = _flatten(out)
    traced: list[Any] = []
    static: list[Any] = []
    for leaf in leaves:
        if isinstance(leaf, ARRAY_TYPES):
            traced.append(leaf)
            static.append(None)
        else:
            static.append(leaf)
    return traced, _OutInfo(treedef, tuple(static))


def _check_donate(donate: object) -> Donate:
    for mode in _DONATE_MODES:
        if donate == mode:
            return mode
    raise ValueError(
        f"filter_jit(donate=...) must be one of {', '.join(_DONATE_MODES)}; "
        f"got {donate!r}."
    )


class _JitState:
    """Everything a `filter_jit` function keeps: the caches and the slow
    paths. The hot path is the closure built by `make_call`."""

    __slots__ = (
        "__weakref__",
        "_donate",
        "_fun",
        "_fun_leaves",
        "_fun_treedef",
        "_kw_layouts",
        "_layouts",
        "_lock",
    )

    def __init__(self, fun: Callable[..., Any], donate: Donate) -> None:
        self._fun = fun
        self._donate = donate
        # The function may itself be a pytree holding arrays (a bound method
        # of a module, a callable module); those are traced, not baked in.
        fun_leaves, fun_treedef = _flatten(fun)
        if any(isinstance(leaf, ARRAY_TYPES) for leaf in fun_leaves):
            self._fun_leaves: tuple[Any, ...] = tuple(fun_leaves)
            self._fun_treedef: Any = fun_treedef
        else:
            self._fun_leaves = ()
            self._fun_treedef = None
        # Two caches, so that `f(a, b)` and `f(a, b=...)` can never collide.
        self._layouts: dict[Any, _Layout] = {}
        self._kw_layouts: dict[Any, _Layout] = {}
        self._lock = threading.Lock()
        _live_states.add(self)

    def _clear(self) -> None:
        with self._lock:
            self._layouts.clear()
            self._kw_layouts.clear()

    def make_call(self) -> Callable[..., Any]:
        """The function users call. A closure rather than a `__call__`
        method: it is the hot path, and a plain function call is cheaper.
        It holds this state; the state does not hold it back, so dropping
        the function frees the state and its executables."""
        layouts_positional, layouts_keyword = self._layouts, self._kw_layouts
        fun_leaves = self._fun_leaves
        make_layout, make_entry, explain = self._layout, self._entry, self._explain

        def call(*args: Any, **kwargs: Any) -> Any:
            if kwargs:
                leaves, treedef = _flatten((args, kwargs))
                layouts = layouts_keyword
            else:
                leaves, treedef = _flatten(args)
                layouts = layouts_positional
            if fun_leaves:
                leaves = [*fun_leaves, *leaves]
            try:
                types = tuple(map(type, leaves))
                layout = layouts.get(treedef)
                if layout is None or layout.types != types:
                    layout = make_layout(layouts, leaves, treedef, bool(kwargs), args)
                static = layout.static_getter(leaves)
                entry = layout.entries.get(static)
                if entry is None:
                    entry = make_entry(layout, static)
                get = layout.single_getter
                if get is not None:
                    out = entry.call(get(leaves))
                else:
                    out = entry.call(*layout.arrays(leaves))
            except Exception as e:
                explain(e, args, kwargs)
                checked = equinox_error_from(e)
                if checked is not None:
                    # A failed `eqx.error_if`: raise it as itself, not as
                    # JAX's wrapper around a host-callback traceback.
                    raise checked from None
                raise
            info = entry.single
            if info is None:
                info = entry.by_signature[_signature(leaves)]
            if info.all_traced:
                return out
            return info.rebuild(out)

        return call

    def lower(self, *args: Any, **kwargs: Any) -> "Lowered[..., Any]":
        """Trace and lower for these arguments (ahead-of-time compilation)."""
        try:
            layout, static, leaves = self._resolve(args, kwargs)
            entry = layout.entries.get(static) or self._entry(layout, static)
            lowered = entry.jitted.lower(*layout.arrays(leaves))
        except (TypeError, ValueError) as e:
            self._explain(e, args, kwargs)
            raise
        return Lowered(self, lowered, entry, layout, static, _signature(leaves))

    def _resolve(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[_Layout, Any, list[Any]]:
        """The layout and static values of a call (the slow, general path)."""
        if kwargs:
            leaves, treedef = _flatten((args, kwargs))
            layouts = self._kw_layouts
        else:
            leaves, treedef = _flatten(args)
            layouts = self._layouts
        if self._fun_leaves:
            leaves = [*self._fun_leaves, *leaves]
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
        types = tuple(map(type, leaves))
        key = (treedef, types)
        with self._lock:
            layout = layouts.get(key)
            if layout is None:
                static = tuple(
                    i
                    for i, leaf in enumerate(leaves)
                    if not isinstance(leaf, ARRAY_TYPES)
                )
                groups = self._groups(leaves, args)
                layout = _Layout(treedef, types, with_kwargs, static, groups)
                layouts[key] = layout
            layouts[treedef] = layout
            return layout

    def _groups(self, leaves: list[Any], args: tuple[Any, ...]) -> list[list[int]]:
        """Array positions, in order, split into (kept, donated) groups."""
        arrays = [i for i, leaf in enumerate(leaves) if isinstance(leaf, ARRAY_TYPES)]
        if self._donate == "none":
            return [arrays]
        start = len(self._fun_leaves)  # never donate the function's own arrays
        if self._donate.endswith("except-first") and args:
            start += len(jtu.tree_leaves(args[0]))
        return [[i for i in arrays if i < start], [i for i in arrays if i >= start]]

    def _entry(self, layout: _Layout, static: Any) -> _Entry:
        """Build (once, under the lock) the `jax.jit` for new static values."""
        with self._lock:
            entry = layout.entries.get(static)
            if entry is not None:
                return entry
            entry = _Entry()
            donated = (1,) if len(layout.groups) == 2 else ()
            entry.jitted = jaxt.jit(
                self._traced_body(entry, layout, static), donate_argnums=donated
            )
            silent = self._donate in ("all", "all-except-first")
            entry.call = (
                _silencing_donation_warnings(entry.jitted) if silent else entry.jitted
            )
            layout.entries[static] = entry
            return entry

    def _traced_body(
        self, entry: _Entry, layout: _Layout, static: Any
    ) -> Callable[..., Any]:
        fun = self._fun
        fun_treedef = self._fun_treedef
        num_fun = len(self._fun_leaves)
        template: list[Any] = [None] * (num_fun + layout.treedef.num_leaves)
        for i, value in zip(
            layout.static_positions, layout.static_values(static), strict=True
        ):
            template[i] = value
        positions = [i for group in layout.groups for i in group]
        treedef, with_kwargs = layout.treedef, layout.with_kwargs

        def body(*groups: tuple[Any, ...]) -> Any:
            leaves = list(template)
            for i, value in zip(positions, itertools.chain(*groups), strict=True):
                leaves[i] = value
            call: Callable[..., Any] = fun
            if fun_treedef is not None:
                call = fun_treedef.unflatten(leaves[:num_fun])
            unflat = treedef.unflatten(leaves[num_fun:])
            args: tuple[Any, ...]
            kwargs: dict[str, Any]
            if with_kwargs:
                args, kwargs = unflat
            else:
                args, kwargs = unflat, {}
            out = call(*args, **kwargs)
            traced, info = _split_output(out)
            entry.record(_signature(leaves), info)
            return out if info.all_traced else traced

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
        lowered: Any,
        entry: _Entry,
        layout: _Layout,
        static: Any,
        signature: tuple[Any, ...],
    ) -> None:
        self._wrapper = wrapper
        self._lowered = lowered
        self._entry = entry
        self._layout = layout
        self._static = static
        self._signature = signature

    def as_text(self) -> str:
        """The lowered program (StableHLO) as text."""
        return str(self._lowered.as_text())

    def compile(self) -> "Compiled[_P, _R_co]":
        """Compile; the result is called with arguments of the same structure."""
        return Compiled(
            self._wrapper,
            self._lowered.compile(),
            self._layout,
            self._static,
            self._entry.by_signature[self._signature],
        )


class Compiled(Generic[_P, _R_co]):
    """An executable from `Lowered.compile()`; call it like the function."""

    def __init__(
        self,
        wrapper: _JitState,
        compiled: Any,
        layout: _Layout,
        static: Any,
        info: _OutInfo,
    ) -> None:
        self._wrapper = wrapper
        self._compiled = compiled
        self._layout = layout
        self._static = static
        self._info = info

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co:
        layout, static, leaves = self._wrapper._resolve(args, kwargs)  # pyright: ignore[reportPrivateUsage]  # module-internal
        lowered = self._layout
        if layout.treedef != lowered.treedef or layout.types != lowered.types:
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
        out = self._compiled(*layout.arrays(leaves))
        return self._info.rebuild(out)  # type: ignore[no-any-return]  # the output of the function


class _JitWrapper(Protocol[_P, _R_co]):
    """What `filter_jit(fun)` returns: called like `fun`; `.lower(...)` for
    ahead-of-time compilation; usable as a method (binds like a function).

    At run time this is a plain function carrying a `lower` attribute."""

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co: ...

    def lower(self, *args: _P.args, **kwargs: _P.kwargs) -> "Lowered[_P, _R_co]": ...

    @overload
    def __get__(self, instance: None, owner: type) -> "_JitWrapper[_P, _R_co]": ...
    @overload
    def __get__(
        self: "_JitWrapper[Concatenate[_S, _P2], _R2]", instance: _S, owner: type
    ) -> "Callable[_P2, _R2]": ...
    def __get__(self, instance: object, owner: type | None = None) -> Any: ...


class _JitDecorator(Protocol):
    def __call__(self, fun: Callable[_P, _R], /) -> _JitWrapper[_P, _R]: ...


def _make_jit(fun: Callable[_P, _R], donate: Donate) -> _JitWrapper[_P, _R]:
    state = _JitState(fun, donate)
    call = state.make_call()
    functools.update_wrapper(
        call, fun, updated=()
    )  # not fun.__dict__: a module's fields
    call.lower = state.lower  # type: ignore[attr-defined]  # the documented attribute
    return cast("_JitWrapper[_P, _R]", call)


@overload
def filter_jit(
    fun: Callable[_P, _R], /, *, donate: Donate = "none"
) -> _JitWrapper[_P, _R]: ...
@overload
def filter_jit(fun: None = None, /, *, donate: Donate = "none") -> _JitDecorator: ...
def filter_jit(
    fun: Callable[_P, _R] | None = None, /, *, donate: Donate = "none"
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

    Usable as `@filter_jit`, `@filter_jit(donate=...)`, on functions, bound
    methods of modules and callable modules.
    """
    mode = _check_donate(donate)
    if fun is None:

        def decorator(f: Callable[_P, _R], /) -> _JitWrapper[_P, _R]:
            return _make_jit(f, mode)

        return decorator  # type: ignore[return-value]  # generic function matches the protocol
    if not callable(fun):
        raise TypeError(f"filter_jit expects a callable; got {fun!r}.")
    return _make_jit(fun, mode)
