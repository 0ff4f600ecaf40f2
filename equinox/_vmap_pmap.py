"""`filter_vmap` and `filter_pmap`: map over the array leaves of arbitrary
pytrees; non-array leaves are passed through unbatched.

`in_axes` / `out_axes` are pytree prefixes whose leaves are an int, `None`, or
a callable `leaf -> int | None` (such as `if_array(0)`, the default). The
function's own arrays (a bound method's module, a callable module) are not
mapped. Keyword arguments use `if_array(0)`.

The wrappers are `eqx.Module`s, as in Equinox: the function and the options
are pytree children (a wrapped model's arrays are leaves of the wrapper).
"""

import functools
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Final, ParamSpec, Protocol, TypeVar, cast, overload

import jax
import jax.numpy as jnp
import jax.tree_util as jtu

from . import _jax_typed as jaxt
from ._field import field
from ._leaves import ARRAY_TYPES
from ._partial import module_update_wrapper
from ._transform_wrapper import FunWrapper
from ._tree_paths import KeyPath, flatten_with_path, path_str

_P = ParamSpec("_P")
_R = TypeVar("_R")

_flatten = jtu.tree_flatten


class if_array:
    """An axis spec for `in_axes` / `out_axes`: `axis` for array leaves,
    `None` (unmapped) for everything else."""

    __slots__ = ("axis",)

    def __init__(self, axis: int) -> None:
        if not isinstance(axis, int) or isinstance(axis, bool):  # pyright: ignore[reportUnnecessaryIsInstance]  # checked for untyped callers
            raise TypeError(f"if_array(axis) needs an int axis; got {axis!r}.")
        self.axis: int = axis

    def __call__(self, x: object) -> int | None:
        return self.axis if isinstance(x, ARRAY_TYPES) else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, if_array) and other.axis == self.axis

    def __hash__(self) -> int:
        return hash((if_array, self.axis))

    def __repr__(self) -> str:
        return f"if_array(axis={self.axis})"


# The default `in_axes` / `out_axes`: map arrays over their leading axis.
MAP_ARRAYS: Final = if_array(0)

AxisSpec = int | None | Callable[[Any], int | None]


def _is_none(x: object) -> bool:
    return x is None


class _AxisError(Exception):
    pass


def _resolve(spec: Any, leaf: Any) -> int | None:
    """The axis of one leaf (None for non-arrays, whatever the spec says)."""
    if not isinstance(leaf, ARRAY_TYPES):
        return None
    axis = spec(leaf) if callable(spec) else spec
    if axis is not None and (not isinstance(axis, int) or isinstance(axis, bool)):
        raise _AxisError(
            f"an axis must be an int, None or a callable returning one; got {axis!r}."
        )
    if axis is not None:
        ndim = jnp.ndim(leaf)
        if not -ndim <= axis < ndim:
            raise _AxisError(
                f"axis {axis} is out of range for an array of shape {jnp.shape(leaf)}."
            )
    return axis


def _axes_for(prefix: Any, tree: Any, what: str) -> list[Any]:
    """One axis spec per leaf of `tree`, broadcasting the prefix."""
    spec_leaves, spec_def = _flatten(prefix, is_leaf=_is_none)
    try:
        subtrees = spec_def.flatten_up_to(tree)
    except (ValueError, TypeError) as e:
        raise ValueError(
            f"{what} must be an int, None, a callable, or a pytree prefix of the "
            f"arguments made of those; it does not match the arguments: {e}"
        ) from None
    out: list[Any] = []
    for spec, sub in zip(spec_leaves, subtrees, strict=True):
        out.extend([spec] * len(jtu.tree_leaves(sub)))
    return out


def _in_specs(in_axes: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    if isinstance(in_axes, list):
        in_axes = tuple(cast("list[object]", in_axes))
    if isinstance(in_axes, tuple) and len(in_axes) != len(args):  # pyright: ignore[reportUnknownArgumentType]  # any tuple
        raise ValueError(
            f"in_axes is a tuple of length {len(in_axes)} but the function was "  # pyright: ignore[reportUnknownArgumentType]  # any tuple
            f"called with {len(args)} positional arguments; give one entry per "
            "positional argument (or a single spec for all of them)."
        )
    specs = _axes_for(in_axes, args, "in_axes")
    specs.extend([MAP_ARRAYS] * len(jtu.tree_leaves(kwargs)))
    return specs


class _Call:
    """One call of a mapped function, cut into mapped arrays, unmapped
    arrays and static leaves."""

    def __init__(
        self,
        fun: Callable[..., Any],
        in_axes: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        fun_leaves = jtu.tree_leaves(fun)
        leaves, self.treedef = _flatten((fun, args, kwargs))
        specs = [None] * len(fun_leaves) + _in_specs(in_axes, args, kwargs)
        self.leaves: list[Any] = leaves
        self.axes: list[int | None] = []
        for i, (spec, leaf) in enumerate(zip(specs, leaves, strict=True)):
            try:
                self.axes.append(_resolve(spec, leaf))
            except _AxisError as e:
                where = _leaf_path((fun, args, kwargs), i)
                raise ValueError(f"in_axes for {where}: {e}") from None
        self.dynamic = [leaf for leaf in leaves if isinstance(leaf, ARRAY_TYPES)]
        self.dynamic_axes = [
            axis
            for leaf, axis in zip(leaves, self.axes, strict=True)
            if isinstance(leaf, ARRAY_TYPES)
        ]
        # What a trace needs to rebuild the call: no arrays, so that a cached
        # pmap does not keep the first call's arguments alive.
        self.template = [
            None if isinstance(leaf, ARRAY_TYPES) else leaf for leaf in leaves
        ]

    def rebuilder(self) -> Callable[[Any], tuple[Callable[..., Any], Any, Any]]:
        treedef, template = self.treedef, self.template

        def rebuild(dynamic: Any) -> tuple[Callable[..., Any], Any, Any]:
            it = iter(dynamic)
            full = [next(it) if leaf is None else leaf for leaf in template]
            return treedef.unflatten(full)  # type: ignore[no-any-return]  # (fun, args, kwargs)

        return rebuild


def _arg_path(path: KeyPath) -> str:
    index: int = path[0].idx
    root = ("fun", "args", "kwargs")[index]
    return root + path_str(tuple(path[1:]))


def _leaf_path(tree: Any, i: int) -> str:
    path = flatten_with_path(tree)[0][i][0]
    return _arg_path(path)


class _Out:
    """The mapped function's output: mapped arrays (moved to their out axis
    afterwards), unmapped arrays, static leaves."""

    def __init__(self, out_axes: Any) -> None:
        self.out_axes = out_axes
        self.treedef: Any = None
        self.layout: list[
            tuple[int, Any]
        ] = []  # (0 mapped/1 unmapped/2 static, axis or leaf)

    def split(self, out: Any) -> tuple[list[Any], list[Any]]:
        leaves, self.treedef = _flatten(out)
        specs = _axes_for(self.out_axes, out, "out_axes")
        mapped: list[Any] = []
        unmapped: list[Any] = []
        self.layout = []
        for i, (leaf, spec) in enumerate(zip(leaves, specs, strict=True)):
            if not isinstance(leaf, ARRAY_TYPES):
                self.layout.append((2, leaf))
                continue
            axis = spec(leaf) if callable(spec) else spec
            if axis is None:
                self.layout.append((1, None))
                unmapped.append(leaf)
            elif isinstance(axis, int):
                self.layout.append((0, axis))
                mapped.append(leaf)
            else:
                raise TypeError(
                    f"out_axes for output leaf {i}: an axis must be an int, None "
                    f"or a callable returning one; got {axis!r}."
                )
        return mapped, unmapped

    def rebuild(self, mapped: Any, unmapped: Any) -> Any:
        mi, ui = iter(mapped), iter(unmapped)
        full: list[Any] = []
        for kind, value in self.layout:
            if kind == 0:
                leaf = next(mi)
                full.append(leaf if value == 0 else jnp.moveaxis(leaf, 0, value))
            elif kind == 1:
                full.append(next(ui))
            else:
                full.append(value)
        return self.treedef.unflatten(full)


def _nothing_mapped(call: _Call, axis_size: int | None) -> bool:
    return axis_size is None and all(axis is None for axis in call.dynamic_axes)


def _unmapped_call(call: _Call, out_axes: Any, name: str) -> Any:
    """Nothing to map over and no `axis_size`: as Equinox, run `fun` as it
    is; fine unless an array output would need a mapped axis."""
    f, a, k = call.rebuilder()(call.dynamic)
    out = _Out(out_axes)
    mapped, unmapped = out.split(f(*a, **k))
    if mapped:
        raise ValueError(
            f"{name}: no argument is mapped over (every in_axes is None or "
            "resolves to None), so the mapped size of the array outputs is "
            "unknown; pass axis_size=, or out_axes=None for them."
        )
    return out.rebuild([], unmapped)


def _check_axis_size(call: _Call, axis_size: int | None, name: str) -> None:
    sizes = {
        jnp.shape(leaf)[axis]
        for leaf, axis in zip(call.dynamic, call.dynamic_axes, strict=True)
        if axis is not None
    }
    if axis_size is None and not sizes:
        raise ValueError(
            f"{name}: no argument is mapped over (every in_axes is None or "
            "resolves to None), so the mapped size is unknown; pass axis_size=."
        )
    if len(sizes) > 1:
        detail = ", ".join(
            f"{path} has size {jnp.shape(leaf)[axis]}"
            for path, leaf, axis in _mapped_paths(call)
        )
        raise ValueError(
            f"{name}: the mapped axes of the arguments have different sizes: {detail}."
        )


def _check_device_count(
    call: _Call, axis_size: int | None, devices: Sequence[Any] | None
) -> None:
    sizes = [
        jnp.shape(leaf)[axis]
        for leaf, axis in zip(call.dynamic, call.dynamic_axes, strict=True)
        if axis is not None
    ]
    size = sizes[0] if sizes else axis_size
    available = jaxt.local_device_count() if devices is None else len(devices)
    if size is not None and size > available:
        which = "are available" if devices is None else "were given in devices="
        raise ValueError(
            f"filter_pmap: the mapped axis has size {size}, but only {available} "
            f"devices {which}; each mapped element needs its own device "
            "(reshape to (devices, ...) and vmap inside)."
        )


def _mapped_paths(call: _Call) -> list[tuple[str, Any, int]]:
    with_path = flatten_with_path(call.treedef.unflatten(call.leaves))[0]
    out: list[tuple[str, Any, int]] = []
    for (path, leaf), axis in zip(with_path, call.axes, strict=True):
        if axis is not None:
            out.append((_arg_path(path), leaf, axis))
    return out


class _VmapDecorator(Protocol):
    def __call__(self, fun: Callable[_P, _R], /) -> Callable[_P, _R]: ...


@overload
def filter_vmap(
    fun: Callable[_P, _R],
    /,
    *,
    in_axes: Any = MAP_ARRAYS,
    out_axes: Any = MAP_ARRAYS,
    axis_name: Hashable | None = None,
    axis_size: int | None = None,
    **vmapkwargs: Any,
) -> Callable[_P, _R]: ...
@overload
def filter_vmap(
    fun: None = None,
    /,
    *,
    in_axes: Any = MAP_ARRAYS,
    out_axes: Any = MAP_ARRAYS,
    axis_name: Hashable | None = None,
    axis_size: int | None = None,
    **vmapkwargs: Any,
) -> _VmapDecorator: ...
def filter_vmap(
    fun: Callable[_P, _R] | None = None,
    /,
    *,
    in_axes: Any = MAP_ARRAYS,
    out_axes: Any = MAP_ARRAYS,
    axis_name: Hashable | None = None,
    axis_size: int | None = None,
    **vmapkwargs: Any,
) -> Callable[_P, _R] | _VmapDecorator:
    """Vectorise `fun` over the array leaves of its arguments.

    `in_axes` is a pytree prefix of the positional arguments (one spec for
    all of them, or a tuple with one per argument); each spec is an int,
    `None` (broadcast), or a callable `leaf -> int | None`. Non-array leaves
    are never mapped. `out_axes` is the same for the output; non-array
    outputs come back as they are (vmapping a constructor gives a batched
    ensemble whose static fields are shared). Other keyword arguments (such
    as `spmd_axis_name=`) are passed on to `jax.vmap`.
    """
    if fun is None:
        # A `functools.partial`, as Equinox returns.
        decorator = functools.partial(
            filter_vmap,
            in_axes=in_axes,
            out_axes=out_axes,
            axis_name=axis_name,
            axis_size=axis_size,
            **vmapkwargs,
        )
        return cast("_VmapDecorator", decorator)

    wrapper = _VmapWrapper(
        _fun=fun,
        _in_axes=in_axes,
        _out_axes=out_axes,
        _axis_name=axis_name,
        _axis_size=axis_size,
        _vmapkwargs=vmapkwargs,
    )
    return cast("Callable[_P, _R]", module_update_wrapper(wrapper))


class _VmapWrapper(FunWrapper, typecheck=False):
    """`filter_vmap(fun)` at run time: a Module over the function and the
    options (fields as Equinox's)."""

    _in_axes: Any
    _out_axes: Any
    _axis_name: Hashable | None
    _axis_size: int | None
    _vmapkwargs: dict[str, Any]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = _Call(self._fun, self._in_axes, args, kwargs)
        axis_size = self._axis_size
        if _nothing_mapped(call, axis_size):
            return _unmapped_call(call, self._out_axes, "filter_vmap")
        _check_axis_size(call, axis_size, "filter_vmap")
        out = _Out(self._out_axes)
        rebuild = call.rebuilder()

        def body(dynamic: list[Any]) -> tuple[list[Any], list[Any]]:
            f, a, k = rebuild(dynamic)
            return out.split(f(*a, **k))

        mapped, unmapped = jax.vmap(
            body,
            in_axes=(call.dynamic_axes,),
            out_axes=(0, None),
            axis_name=self._axis_name,
            axis_size=axis_size,
            **self._vmapkwargs,
        )(call.dynamic)
        return out.rebuild(mapped, unmapped)


def _static_key(leaves: list[Any]) -> tuple[Any, ...]:
    # Types too: `1`, `1.0` and `True` are equal but must not share a trace.
    key: list[Any] = []
    for leaf in leaves:
        if not isinstance(leaf, ARRAY_TYPES):
            key.append(leaf.__class__)
            key.append(leaf)
    return tuple(key)


class _PmapDecorator(Protocol):
    def __call__(self, fun: Callable[_P, _R], /) -> Callable[_P, _R]: ...


class _PmapCache:
    """A `filter_pmap` wrapper's compiled programs, one per static structure
    and shape. Not part of what the wrapper is: every cache compares equal,
    so it never changes a wrapper's equality or pytree structure."""

    __slots__ = ("entries", "lock")

    def __init__(self) -> None:
        self.entries: dict[Any, tuple[Any, _Out]] = {}
        self.lock = threading.Lock()

    def __eq__(self, other: object) -> bool:
        return type(other) is _PmapCache

    def __hash__(self) -> int:
        return hash(_PmapCache)

    def __deepcopy__(self, memo: dict[int, Any]) -> "_PmapCache":
        # A copied wrapper starts with no compiled programs of its own.
        return _PmapCache()

    def __reduce__(self) -> tuple[type["_PmapCache"], tuple[()]]:
        # A pickled wrapper starts with no compiled programs (and no lock).
        return _PmapCache, ()


class _PmapWrapper(FunWrapper, typecheck=False):
    """`filter_pmap(fun)` at run time: a Module over the function and the
    options (fields as Equinox's), keeping one `jax.pmap` per static
    structure so that repeated calls reuse the compiled program."""

    _in_axes: Any
    _out_axes: Any
    _axis_name: Hashable | None
    _axis_size: int | None
    _filter_warning: bool
    _pmapkwargs: dict[str, Any]
    _donate: str = field(static=True, repr=False)
    _cache: _PmapCache = field(static=True, repr=False)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = _Call(self._fun, self._in_axes, args, kwargs)
        _check_axis_size(call, self._axis_size, "filter_pmap")
        _check_device_count(call, self._axis_size, self._pmapkwargs.get("devices"))
        static = _static_key(call.leaves)
        shapes = tuple((jnp.shape(x), jnp.result_type(x)) for x in call.dynamic)
        key = (call.treedef, static, tuple(call.axes), shapes)
        cache = self._cache
        try:
            found = cache.entries.get(key)
        except TypeError as e:
            raise TypeError(
                "filter_pmap: every non-array argument leaf must be hashable (it "
                f"is part of the compilation cache key): {e}"
            ) from None
        if found is None:
            found = self._build(call)
            with cache.lock:
                cache.entries[key] = found
        pmapped, out = found
        mapped, unmapped = pmapped(call.dynamic)
        return out.rebuild(mapped, unmapped)

    def _build(self, call: _Call) -> tuple[Any, _Out]:
        out = _Out(self._out_axes)
        rebuild = call.rebuilder()

        def body(dynamic: list[Any]) -> tuple[list[Any], list[Any]]:
            f, a, k = rebuild(dynamic)
            return out.split(f(*a, **k))

        donate = (0,) if self._donate in ("all", "warn") else ()
        pmapped = jaxt.pmap(
            body,
            axis_name=self._axis_name,
            in_axes=(call.dynamic_axes,),
            out_axes=(0, None),
            axis_size=self._axis_size,
            donate_argnums=donate,
            **self._pmapkwargs,
        )
        return pmapped, out


@overload
def filter_pmap(
    fun: Callable[_P, _R],
    /,
    *,
    in_axes: Any = MAP_ARRAYS,
    out_axes: Any = MAP_ARRAYS,
    axis_name: Hashable | None = None,
    axis_size: int | None = None,
    donate: str = "none",
    **pmapkwargs: Any,
) -> Callable[_P, _R]: ...
@overload
def filter_pmap(
    fun: None = None,
    /,
    *,
    in_axes: Any = MAP_ARRAYS,
    out_axes: Any = MAP_ARRAYS,
    axis_name: Hashable | None = None,
    axis_size: int | None = None,
    donate: str = "none",
    **pmapkwargs: Any,
) -> _PmapDecorator: ...
def filter_pmap(
    fun: Callable[_P, _R] | None = None,
    /,
    *,
    in_axes: Any = MAP_ARRAYS,
    out_axes: Any = MAP_ARRAYS,
    axis_name: Hashable | None = None,
    axis_size: int | None = None,
    donate: str = "none",
    **pmapkwargs: Any,
) -> Callable[_P, _R] | _PmapDecorator:
    """Parallelise `fun` across devices over the array leaves of its
    arguments; `in_axes`, `out_axes`, `axis_name` and `axis_size` as for
    `filter_vmap`. Compiled once per static structure and shape. `donate`
    is `"none"`, `"all"` or `"warn"` (donate every mapped input buffer).
    Other keyword arguments (`devices=`, `backend=`, ...) are passed on to
    `jax.pmap`."""
    if donate not in ("none", "all", "warn"):
        raise ValueError(
            f'filter_pmap(donate=...) must be "none", "all" or "warn"; got {donate!r}.'
        )
    if fun is None:
        # A `functools.partial`, as Equinox returns.
        decorator = functools.partial(
            filter_pmap,
            in_axes=in_axes,
            out_axes=out_axes,
            axis_name=axis_name,
            axis_size=axis_size,
            donate=donate,
            **pmapkwargs,
        )
        return cast("_PmapDecorator", decorator)

    wrapper = _PmapWrapper(
        _fun=fun,
        _in_axes=in_axes,
        _out_axes=out_axes,
        _axis_name=axis_name,
        _axis_size=axis_size,
        _filter_warning=donate == "all",
        _pmapkwargs=pmapkwargs,
        _donate=donate,
        _cache=_PmapCache(),
    )
    return cast("Callable[_P, _R]", module_update_wrapper(wrapper))
