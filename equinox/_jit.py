"""`filter_jit`: `jax.jit` where arrays are traced and every other leaf is static.

Dispatch is the hot path, so a call does only this: flatten `(args, kwargs)`
once, look up `(treedef, leaf types)` in a per-function dict, and call the
`jax.jit` compiled for that key with the flat leaves. Each cached `jax.jit`
marks the non-array positions as `static_argnums`, so JAX's C++ dispatch
hashes and compares the static leaves itself. The leaf types are in the key so
that `1`, `1.0` and `True` (equal and hash-equal) never share a trace.

The cache lives on the wrapper object, so deleting the wrapper frees its
compiled executables; a module-level `WeakSet` lets `clear_jit_cache` reach
every live wrapper without keeping any alive.
"""

import functools
import threading
import warnings
import weakref
from collections.abc import Callable
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
_live_wrappers: "weakref.WeakSet[_JitWrapper[..., Any]]" = weakref.WeakSet()


def clear_jit_cache() -> None:
    """Drop every compiled function held by every live `filter_jit` wrapper."""
    for wrapper in list(_live_wrappers):
        wrapper._clear()  # pyright: ignore[reportPrivateUsage]  # module-internal


class _OutInfo:
    """How to rebuild a traced function's output from its array leaves."""

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

    def rebuild(self, traced: Any) -> Any:
        it = iter(traced)
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
    """One static structure: its `jax.jit` and what its traces returned.

    Usually every trace of an entry gives the same non-array outputs
    (`single`). If a retrace for new shapes gives different ones (say the
    function returns `x.shape[0]`), outputs are looked up by signature.
    """

    __slots__ = ("by_signature", "call", "jitted", "single", "static_positions")

    def __init__(self, static_positions: tuple[int, ...]) -> None:
        self.jitted: Any = None
        self.call: Callable[..., Any] = _unset
        self.static_positions: tuple[int, ...] = static_positions
        self.single: _OutInfo | None = None
        self.by_signature: dict[tuple[Any, ...], _OutInfo] = {}

    def record(self, signature: tuple[Any, ...], info: _OutInfo) -> None:
        if not self.by_signature:
            self.single = info
        elif self.single is not None and not self.single.same_as(info):
            self.single = None
        self.by_signature[signature] = info


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


class _JitWrapper(Generic[_P, _R_co]):
    """The result of `filter_jit(fun)`: call it like `fun`."""

    __slots__ = (
        "__dict__",
        "__weakref__",
        "_donate",
        "_entries",
        "_fun",
        "_fun_leaves",
        "_fun_treedef",
        "_kw_entries",
        "_lock",
    )

    def __init__(self, fun: Callable[_P, _R_co], donate: Donate) -> None:
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
        self._entries: dict[Any, _Entry] = {}
        self._kw_entries: dict[Any, _Entry] = {}
        self._lock = threading.Lock()
        functools.update_wrapper(self, fun)  # pyright: ignore[reportArgumentType]  # copies metadata only
        _live_wrappers.add(self)

    def _clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._kw_entries.clear()

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co:
        # The hot path: keep it free of anything not strictly needed.
        if kwargs:
            leaves, treedef = _flatten((args, kwargs))
            cache = self._kw_entries
        else:
            leaves, treedef = _flatten(args)
            cache = self._entries
        if self._fun_leaves:
            leaves = [*self._fun_leaves, *leaves]
        try:
            entry = cache.get((treedef, tuple(map(type, leaves))))
            if entry is None:
                entry = self._entry(cache, leaves, treedef, bool(kwargs), args)
            out = entry.call(*leaves)
        except Exception as e:
            self._explain(e, args, kwargs)
            checked = equinox_error_from(e)
            if checked is not None:
                # A failed `eqx.error_if`: raise it as itself, not as JAX's
                # wrapper around a host-callback traceback.
                raise checked from None
            raise
        info = entry.single
        if info is None:
            info = entry.by_signature[_signature(leaves)]
        if info.all_traced:
            return info.treedef.unflatten(out)  # type: ignore[no-any-return]  # the output of `fun`
        return info.rebuild(out)  # type: ignore[no-any-return]  # the output of `fun`

    def lower(self, *args: _P.args, **kwargs: _P.kwargs) -> "Lowered[_P, _R_co]":
        """Trace and lower for these arguments (ahead-of-time compilation)."""
        leaves, treedef, cache = self._prepare(args, kwargs)
        try:
            key = (treedef, tuple(map(type, leaves)))
            entry = cache.get(key)
            if entry is None:
                entry = self._entry(cache, leaves, treedef, bool(kwargs), args)
            lowered = entry.jitted.lower(*leaves)
        except (TypeError, ValueError) as e:
            self._explain(e, args, kwargs)
            raise
        static = tuple(leaves[i] for i in entry.static_positions)
        return Lowered(self, lowered, entry, key, static, _signature(leaves))

    def _prepare(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[list[Any], Any, dict[Any, _Entry]]:
        if kwargs:
            leaves, treedef = _flatten((args, kwargs))
            cache = self._kw_entries
        else:
            leaves, treedef = _flatten(args)
            cache = self._entries
        if self._fun_leaves:
            leaves = [*self._fun_leaves, *leaves]
        return leaves, treedef, cache

    def _entry(
        self,
        cache: dict[Any, _Entry],
        leaves: list[Any],
        treedef: Any,
        with_kwargs: bool,
        args: tuple[Any, ...],
    ) -> _Entry:
        """Build (once, under the lock) the `jax.jit` for a new structure."""
        key = (treedef, tuple(map(type, leaves)))
        with self._lock:
            entry = cache.get(key)
            if entry is not None:
                return entry
            static = tuple(
                i for i, leaf in enumerate(leaves) if not isinstance(leaf, ARRAY_TYPES)
            )
            entry = _Entry(static)
            entry.jitted = jaxt.jit(
                self._traced_body(entry, treedef, with_kwargs),
                static_argnums=static,
                donate_argnums=self._donated(leaves, args),
            )
            silent = self._donate in ("all", "all-except-first")
            entry.call = (
                _silencing_donation_warnings(entry.jitted) if silent else entry.jitted
            )
            cache[key] = entry
            return entry

    def _donated(self, leaves: list[Any], args: tuple[Any, ...]) -> tuple[int, ...]:
        if self._donate == "none":
            return ()
        start = len(self._fun_leaves)  # never donate the function's own arrays
        if self._donate.endswith("except-first") and args:
            start += len(jtu.tree_leaves(args[0]))
        return tuple(
            i for i in range(start, len(leaves)) if isinstance(leaves[i], ARRAY_TYPES)
        )

    def _traced_body(
        self, entry: _Entry, treedef: Any, with_kwargs: bool
    ) -> Callable[..., list[Any]]:
        fun = self._fun
        fun_treedef = self._fun_treedef
        num_fun = len(self._fun_leaves)

        def body(*leaves: Any) -> list[Any]:
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
            traced, info = _split_output(call(*args, **kwargs))
            entry.record(_signature(leaves), info)
            return traced

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

    @overload
    def __get__(self, instance: None, owner: type) -> "_JitWrapper[_P, _R_co]": ...
    @overload
    def __get__(
        self: "_JitWrapper[Concatenate[_S, _P2], _R2]", instance: _S, owner: type
    ) -> "Callable[_P2, _R2]": ...
    def __get__(self, instance: object, owner: type | None = None) -> Any:
        # Used as a method: the instance becomes the first (traced) argument,
        # and the cache stays shared across instances.
        if instance is None:
            return self
        return functools.partial(cast("Callable[..., Any]", self), instance)


_P2 = ParamSpec("_P2")
_R2 = TypeVar("_R2")


class Lowered(Generic[_P, _R_co]):
    """`filter_jit(f).lower(...)`: call `.compile()` to get an executable."""

    def __init__(
        self,
        wrapper: _JitWrapper[_P, _R_co],
        lowered: Any,
        entry: _Entry,
        key: Any,
        static: tuple[Any, ...],
        signature: tuple[Any, ...],
    ) -> None:
        self._wrapper = wrapper
        self._lowered = lowered
        self._entry = entry
        self._key = key
        self._static = static
        self._signature = signature

    def as_text(self) -> str:
        """The lowered program (StableHLO) as text."""
        return str(self._lowered.as_text())

    def compile(self) -> "Compiled[_P, _R_co]":
        """Compile; the result is called with arguments of the same structure."""
        info = self._entry.by_signature[self._signature]
        return Compiled(
            self._wrapper,
            self._lowered.compile(),
            (self._key, self._entry.static_positions, self._static),
            info,
        )


class Compiled(Generic[_P, _R_co]):
    """An executable from `Lowered.compile()`; call it like the function."""

    def __init__(
        self,
        wrapper: _JitWrapper[_P, _R_co],
        compiled: Any,
        expected: tuple[Any, tuple[int, ...], tuple[Any, ...]],
        info: _OutInfo,
    ) -> None:
        self._wrapper = wrapper
        self._compiled = compiled
        self._key, self._static_positions, self._static = expected
        self._info = info

    def __call__(self, *args: _P.args, **kwargs: _P.kwargs) -> _R_co:
        leaves, treedef, _ = self._wrapper._prepare(args, kwargs)  # pyright: ignore[reportPrivateUsage]  # module-internal
        if (treedef, tuple(map(type, leaves))) != self._key:
            raise TypeError(
                "this compiled function was lowered for arguments of a different "
                f"structure; lowered for {self._key[0]}, called with {treedef}."
            )
        for i, expected in zip(self._static_positions, self._static, strict=True):
            if not (leaves[i] is expected or leaves[i] == expected):
                raise TypeError(
                    "this compiled function was lowered with a different static "
                    f"(non-array) argument: expected {expected!r}, got {leaves[i]!r}."
                )
        dynamic = [leaf for leaf in leaves if isinstance(leaf, ARRAY_TYPES)]
        return self._info.rebuild(self._compiled(*dynamic))  # type: ignore[no-any-return]  # rebuilt output of the function


class _JitDecorator(Protocol):
    def __call__(self, fun: Callable[_P, _R], /) -> _JitWrapper[_P, _R]: ...


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
            return _JitWrapper(f, mode)

        return decorator  # type: ignore[return-value]  # generic function matches the protocol
    if not callable(fun):
        raise TypeError(f"filter_jit expects a callable; got {fun!r}.")
    return _JitWrapper(fun, mode)
