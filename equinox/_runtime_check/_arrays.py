"""A faster equivalent of jaxtyping's `isinstance` for the commonest array types.

jaxtyping's check copies its four memo dictionaries and scans the dtype list on
every call (~4 us); a method call checks at least its argument and its return
value, so that cost dominates an eager call of a small layer. For an annotation
over `jax.Array` whose dtypes are plain names and whose dimensions are all
fixed sizes, plain names or `_` (e.g. `Float[Array, "out in"]`), the same
verdict is reached here with a cached dtype verdict and one pass over the
shape, binding names in jaxtyping's own memo. Every other annotation (variadic,
broadcastable, symbolic, `?` dimensions, regex dtypes, other array types), and
every value that is not a concrete JAX array (tracers, NumPy arrays), goes to
jaxtyping. `tests/test_runtime_check_arrays.py` checks the two agree.

`array_check` also accepts NumPy and Python values for a type over `jax.Array`.
"""

from collections.abc import Callable
from typing import Any, Final, cast

import jax
import jax.core
import numpy as np

from ._memo import current_single_memo

# Exact types of concrete (non-traced) JAX arrays, learned from values.
_concrete_array_types: Final[set[type]] = set()


def _learn_array_type(value: object) -> None:
    if isinstance(value, jax.Array) and not isinstance(value, jax.core.Tracer):
        _concrete_array_types.add(type(value))


def _dtype_name(dtype: object) -> str | None:
    """The name jaxtyping compares against for a JAX dtype."""
    scalar_type = getattr(dtype, "type", None)
    name = getattr(scalar_type, "__name__", None)
    return name if isinstance(name, str) else None


# One dimension: (fixed size or None, name or None); both None: `_`.
_Dim = tuple[int | None, str | None]


def _simple_dims(hint: type) -> tuple[_Dim, ...] | None:
    dims: tuple[object, ...] = getattr(hint, "dims", ())
    simple: list[_Dim] = []
    for dim in dims:
        if getattr(dim, "broadcastable", False) or getattr(dim, "treepath", False):
            return None
        size = getattr(dim, "size", None)
        name = getattr(dim, "name", None)
        if isinstance(size, int):
            simple.append((size, None))
        elif isinstance(name, str):
            simple.append((None, name))
        elif any(hasattr(dim, a) for a in ("elem", "size", "name")):
            return None  # symbolic, or a kind this module does not know
        else:
            simple.append((None, None))
    return tuple(simple)


def _allowed_dtypes(hint: type) -> frozenset[str] | bool | None:
    """The dtype names `hint` accepts; True for any dtype; None when jaxtyping
    must decide (regex dtypes)."""
    dtypes: object = getattr(hint, "dtypes", None)
    if not isinstance(dtypes, tuple | list):
        return True  # jaxtyping's "any dtype" marker (`Shaped`)
    names: list[str] = []
    for dtype in dtypes:  # pyright: ignore[reportUnknownVariableType]  # jaxtyping leaves it untyped
        if not isinstance(dtype, str):
            return None
        names.append(dtype)
    return frozenset(names)


def fast_array_check(
    hint: type, other: Callable[[object], bool]
) -> Callable[[object], bool] | None:
    """A check equivalent to `isinstance(value, hint) or other(value)` inside a
    jaxtyping memo (`other` decides values that are not concrete JAX arrays),
    or None when `hint` is not of the simple kind described above."""
    if getattr(hint, "array_type", None) is not jax.Array:
        return None
    if getattr(hint, "index_variadic", 0) is not None:
        return None
    dims = _simple_dims(hint)
    allowed = _allowed_dtypes(hint)
    if dims is None or allowed is None:
        return None
    ndim = len(dims)
    dtype_verdicts: dict[object, bool] = {}

    def check(value: object) -> bool:
        if type(value) not in _concrete_array_types:
            _learn_array_type(value)
            return isinstance(value, hint) or other(value)
        array = cast(jax.Array, value)
        dtype: object = array.dtype
        verdict = dtype_verdicts.get(dtype)
        if verdict is None:
            name = _dtype_name(dtype)
            if name is None:
                return isinstance(value, hint)
            verdict = dtype_verdicts[dtype] = allowed is True or (
                isinstance(allowed, frozenset) and name in allowed
            )
        if not verdict:
            return False
        shape = array.shape
        if len(shape) != ndim:
            return False
        memo = current_single_memo()
        new: dict[str, int] = {}
        for (size, name), actual in zip(dims, shape, strict=True):
            if size is not None:
                if actual != size:
                    return False
            elif name is not None:
                expected = new.get(name, memo.get(name))
                if expected is None:
                    new[name] = actual
                elif expected != actual:
                    return False
        if new:
            memo.update(new)
        return True

    return check


# --------------------------------------------------- NumPy and Python scalars
# JAX accepts NumPy arrays, NumPy scalars and Python scalars wherever it takes
# an array, so a jaxtyping type over `jax.Array` accepts them too: a NumPy
# value is checked against the same dtype and shape over `numpy.ndarray`
# (sharing the dimension memo), without converting it.

_SCALARS: Final = (bool, int, float, complex)


def numpy_twin(hint: type) -> type | None:
    """The jaxtyping type with `hint`'s dtype and shape over `numpy.ndarray`,
    when `hint` is over `jax.Array` (PRNG keys have no NumPy form)."""
    if getattr(hint, "array_type", None) is not jax.Array:
        return None
    family: object = getattr(hint, "dtype", None)
    dim_str: object = getattr(hint, "dim_str", None)
    if family is None or not isinstance(dim_str, str):
        return None
    if getattr(family, "__name__", None) == "Key":
        return None
    try:
        twin: object = family[np.ndarray, dim_str]  # type: ignore[index]  # jaxtyping dtype classes are subscriptable
    except Exception:  # an array type jaxtyping cannot rebuild: no twin
        return None
    return twin if isinstance(twin, type) else None


def numpy_forms(value: object) -> tuple[np.ndarray[Any, Any], ...]:
    """`value` as the NumPy arrays to try: itself for an ndarray, a 0-d array
    for a NumPy or Python scalar (a Python int also as float64, the numeric
    tower), nothing for anything else."""
    if isinstance(value, np.ndarray):
        array: np.ndarray[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]  # any ndarray
        return (array,)
    if isinstance(value, np.number | np.bool_):
        return (np.asarray(cast(object, value)),)
    if isinstance(value, _SCALARS):
        try:
            forms = [np.asarray(value)]
            if type(value) is int:
                forms.append(np.asarray(value, dtype=np.float64))
        except OverflowError:
            return ()
        return tuple(forms)
    return ()


def _never(value: object) -> bool:
    del value
    return False


def array_check(hint: type) -> Callable[[object], bool]:
    """The check of a jaxtyping array type: `isinstance` (fast for the
    common kinds), also accepting NumPy and Python values of the right dtype
    and shape when `hint` is over `jax.Array`."""
    other = _never
    twin = numpy_twin(hint)
    if twin is not None:
        numpy_type: type = twin

        def numpy_fits(value: object) -> bool:
            return any(isinstance(form, numpy_type) for form in numpy_forms(value))

        other = numpy_fits
    fast = fast_array_check(hint, other)
    if fast is not None:
        return fast

    def check(value: object) -> bool:
        return isinstance(value, hint) or other(value)

    return check
