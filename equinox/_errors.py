"""Run-time checks inside compiled code: `error_if` and `branched_error_if`.

How a failing check reaches the user:

- Concrete predicate (eager code, no tracers): checked right here in Python.
- Traced predicate: a `lax.cond` on the predicate whose failing branch routes
  the array leaves of `x` through a host callback that raises
  `EquinoxRuntimeError`. Because the returned leaves come out of that `cond`,
  the check survives dead-code elimination exactly when the result is used.
  Under `vmap` a custom batching rule folds the batch of predicates into one
  (`any`), so the `cond` stays a `cond` and the callback runs only when some
  element fails; the callback still reads the predicate before raising.
- Under `grad`, a custom JVP passes tangents through, multiplied by a token
  (== 1) produced by the check, so the derivative depends on the check too.
- JAX turns an exception raised by a host callback into a `JaxRuntimeError`
  (first call) or a `ValueError` (cached fast path) whose text embeds the
  original traceback. `equinox_error_from` recognises those and rebuilds the
  `EquinoxRuntimeError`; `error_if` uses it for eager `vmap`/`grad`, and
  `filter_jit` uses it for compiled calls. Plain `jax.jit` cannot be
  intercepted, so there the user gets JAX's error with our message inside.
- A compiled check fails where the compiled function is called, far from
  the `error_if` line; so each check records its call site (the nearest frame
  outside this package) while being traced, and the rebuilt error carries it
  as a note.

`EQX_ON_ERROR` (read each time a check is built) picks what failure does:
`raise` (default), `breakpoint` (print the message, open `pdb` where the
failing values are visible, then raise) or `nan`
(no error; inexact leaves of `x` become NaN).
"""

import collections
import functools
import inspect
import logging
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any, Final, Literal, TypeAlias, TypeVar, cast

import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
from jax import lax
from jax.core import Tracer
from jax.custom_batching import custom_vmap
from jaxtyping import Array, ArrayLike

from ._filters import is_array

_T = TypeVar("_T")

# Typed views of JAX functions that pyright/mypy see as (partly) untyped.
_shape_dtype = cast("Callable[[tuple[int, ...], Any], Any]", jax.ShapeDtypeStruct)
# What a failing check does once resolved ("off" never builds a check).
_OnError: TypeAlias = Literal["raise", "breakpoint", "nan"]
_Resolved: TypeAlias = Literal["raise", "breakpoint", "nan", "off"]
# The `on_error=` argument: "default" defers to `EQX_ON_ERROR`.
OnErrorArg: TypeAlias = Literal["default", "raise", "breakpoint", "nan", "off"]
_ON_ERROR_CHOICES: Final[tuple[_Resolved, ...]] = ("raise", "breakpoint", "nan", "off")

# How JAX's text for an exception raised in a host callback names ours.
_MARKER: Final = "EquinoxRuntimeError: "


class EquinoxRuntimeError(RuntimeError):
    """Raised when a check made by `eqx.error_if` / `eqx.branched_error_if`
    fails at run time."""


class EquinoxTracetimeError(RuntimeError):
    """Raised by `eqx.error_if` / `eqx.branched_error_if` when the predicate is
    a Python scalar that is already true: the check fails before any array
    is computed (while tracing, under JIT)."""


class _BranchIndexError(jax.errors.JaxRuntimeError, IndexError):  # type: ignore[misc]  # jaxlib class, Any to mypy
    """`branched_error_if` given an index that picks no message. (Equinox
    fails here inside its host callback, so JAX raises `JaxRuntimeError`.)"""


# Shown as `equinox.EquinoxRuntimeError` in tracebacks and in JAX's error text.
EquinoxRuntimeError.__module__ = "equinox"
EquinoxTracetimeError.__module__ = "equinox"


class _DropOurCallbackLogs(logging.Filter):
    """JAX logs every exception escaping a host callback before re-raising
    it; for our checks that is a duplicate of the error the user gets."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        return not (exc_info and isinstance(exc_info[1], EquinoxRuntimeError))


for _logger_name in ("jax._src.callback", "jax._src.debugging"):
    logging.getLogger(_logger_name).addFilter(_DropOurCallbackLogs())


def _on_error(on_error: str = "default") -> _Resolved:
    """The mode for one check: `on_error`, or `EQX_ON_ERROR` for "default"."""
    if on_error == "default":
        value, source = os.environ.get("EQX_ON_ERROR", "raise"), "EQX_ON_ERROR"
    else:
        value, source = on_error, "on_error"
    for choice in _ON_ERROR_CHOICES:
        if value == choice:
            return choice
    choices = (
        ("default", *_ON_ERROR_CHOICES) if source == "on_error" else _ON_ERROR_CHOICES
    )
    # RuntimeError: the class Equinox raises for an unknown mode.
    raise RuntimeError(f"{source} must be one of {', '.join(choices)}; got {value!r}.")


# (message, call site) of the checks that failed in a host callback, newest
# last, so the exact text can be recovered from JAX's error (which embeds the
# message at the end).
_recent_failures: Final[collections.deque[tuple[str, str]]] = collections.deque(
    maxlen=32
)
_recent_lock: Final = threading.Lock()
_PACKAGE_DIR: Final = os.path.dirname(os.path.abspath(__file__))


def _remember(message: str, where: str) -> None:
    with _recent_lock:
        _recent_failures.append((message, where))


def _call_site() -> str:
    """`file:line in function` of the nearest caller outside this package:
    where the user wrote the check (recorded while tracing, so that an error
    raised later by compiled code can say where it came from)."""
    frame: FrameType | None = inspect.currentframe()
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _PACKAGE_DIR + os.sep
    ):
        frame = frame.f_back
    if frame is None:
        return ""
    return f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"


def _runtime_error(message: str, where: str) -> EquinoxRuntimeError:
    error = EquinoxRuntimeError(message)
    if where:
        error.add_note(f"(the failed check was made by error_if at {where})")
    return error


def equinox_error_from(error: BaseException) -> EquinoxRuntimeError | None:
    """The `EquinoxRuntimeError` that a JAX runtime error stands for, or None
    when `error` did not come from an Equinox check."""
    if isinstance(error, EquinoxRuntimeError):
        return error
    text = str(error).rstrip("\n")
    if _MARKER not in text:
        return None
    with _recent_lock:
        for message, where in reversed(_recent_failures):
            if text.endswith(_MARKER + message):
                _recent_failures.remove((message, where))
                return _runtime_error(message, where)
    # Not raised in this process (or forgotten): JAX's text is the callback's
    # formatted traceback, so the message follows the last marker line.
    start = text.rfind("\n" + _MARKER)
    if start == -1:
        return None
    return EquinoxRuntimeError(text[start + 1 + len(_MARKER) :])


def _is_traced(value: object) -> bool:
    return isinstance(value, Tracer)


def dtype_of(value: ArrayLike) -> np.dtype[Any]:
    """The dtype of an array or Python scalar (without asking jax arrays to
    convert themselves, which jax deprecates)."""
    dtype = getattr(value, "dtype", None)
    result: np.dtype[Any] = np.result_type(value) if dtype is None else np.dtype(dtype)
    return result


def _is_static_pred(pred: object) -> bool:
    """A Python scalar predicate: known before any array is computed."""
    return type(pred) in (bool, int, float)


def _any(pred: ArrayLike) -> Array | np.ndarray:
    """Whether any element is truthy (non-boolean predicates are allowed)."""
    if _is_traced(pred):
        return jnp.any(pred)
    return np.asarray(np.any(np.asarray(pred)))


def _as_index(index: ArrayLike | int, num_msgs: int) -> Array | np.ndarray:
    if _is_traced(index):
        return jnp.asarray(index, dtype=jnp.int32)
    dtype = dtype_of(index)
    if not np.issubdtype(dtype, np.integer) or np.size(index) == 0:
        raise _BranchIndexError(
            f"branched_error_if: `index` must be an integer (array); got "
            f"{dtype}{list(np.shape(index))}."
        )
    # An array of indices: the largest picks the message, as in Equinox.
    concrete = int(np.max(np.asarray(index)))
    if not -num_msgs <= concrete < num_msgs:
        raise _BranchIndexError(
            f"branched_error_if: `index` is {concrete} but there are only "
            f"{num_msgs} messages."
        )
    return np.asarray(concrete, dtype=np.int32)


def _message(msgs: Sequence[str], index: int) -> str:
    if -len(msgs) <= index < len(msgs):
        return msgs[index]
    return f"branched_error_if: index {index} is out of range for {len(msgs)} messages."


def _fill_value(dtype: Any) -> Any:
    """What `on_error="nan"` puts in a leaf of this dtype (as Equinox does)."""
    if jnp.issubdtype(dtype, jnp.inexact):
        return jnp.nan
    if jnp.issubdtype(dtype, jnp.bool_):
        return True
    return np.iinfo(dtype).max


def _filled(leaf: Array) -> Array:
    return jnp.full_like(leaf, _fill_value(leaf.dtype))


def _fill_static(x: _T) -> _T:
    def fill(leaf: Any) -> Any:
        return _filled(jnp.asarray(leaf)) if is_array(leaf) else leaf

    filled: _T = jtu.tree_map(fill, x)
    return filled


def _open_debugger(message: str, x: object) -> None:
    """EQX_ON_ERROR=breakpoint: `x` holds the checked value (on the host)."""
    print(f"EquinoxRuntimeError: {message}\n(the checked value is in `x`)")
    breakpoint()  # requested by EQX_ON_ERROR=breakpoint
    del x


def _first_failure(msgs: tuple[str, ...], pred: Any, index: Any) -> str | None:
    failed = np.asarray(pred)
    if not failed.any():
        return None
    # As Equinox: the largest index (over a batch) picks the message.
    return _message(msgs, int(np.max(np.asarray(index))))


def _host_check(
    msgs: tuple[str, ...],
    where: str,
    debug: bool,
    pred: Any,
    index: Any,
    *leaves: Any,
) -> Any:
    """Runs on the host; `pred` and `index` may carry batch dimensions."""
    message = _first_failure(msgs, pred, index)
    if message is not None:
        if debug:
            _open_debugger(message, leaves)
        _remember(message, where)
        raise _runtime_error(message, where)
    token = np.ones(np.shape(pred), dtype=np.float32)
    return (*(np.asarray(leaf) for leaf in leaves), token)


_Leaves: TypeAlias = tuple[Array, ...]


def _failing_branch(
    msgs: tuple[str, ...], where: str, mode: _OnError
) -> Callable[[Array, Array, _Leaves], tuple[_Leaves, Array]]:
    def branch(pred: Array, index: Array, leaves: _Leaves) -> tuple[_Leaves, Array]:
        if mode == "nan":
            return tuple(_filled(leaf) for leaf in leaves), jnp.ones((), jnp.float32)
        host_check = functools.partial(_host_check, msgs, where, mode == "breakpoint")
        if not leaves:
            # Nothing can depend on the check: make it an effect instead.
            jax.debug.callback(host_check, pred, index)
            return leaves, jnp.ones((), jnp.float32)
        shapes = (
            *(_shape_dtype(leaf.shape, leaf.dtype) for leaf in leaves),
            _shape_dtype((), jnp.float32),
        )
        out: tuple[Array, ...] = jax.pure_callback(  # pyright: ignore[reportUnknownMemberType]  # jax leaves it partially untyped
            host_check,
            shapes,
            pred,
            index,
            *leaves,
            vmap_method="broadcast_all",
        )
        return tuple(out[:-1]), out[-1]

    return branch


def _passing_branch(
    pred: Array, index: Array, leaves: _Leaves
) -> tuple[_Leaves, Array]:
    del pred, index
    return leaves, jnp.ones((), jnp.float32)


_Check: TypeAlias = Callable[[Array, Array, _Leaves], tuple[_Leaves, Array]]


def _batched_check(check: Any) -> Callable[..., Any]:
    """The vmap rule: fold the batch of predicates into one, so that the
    `cond` stays a `cond` (a batched predicate would turn it into a `select`
    running the host callback on every call) and the callback only runs when
    some element fails."""

    def rule(
        axis_size: int,
        in_batched: tuple[bool, bool, tuple[bool, ...]],
        pred: Array,
        index: Array,
        leaves: _Leaves,
    ) -> tuple[tuple[_Leaves, Array], tuple[tuple[bool, ...], bool]]:
        del axis_size
        pred_batched, index_batched, leaves_batched = in_batched
        if index_batched:
            # The message of the first failing element (element 0 if the
            # predicate is not batched: then all of them fail together).
            index = jnp.max(index)  # as Equinox: the largest index wins
        if pred_batched:
            pred = jnp.any(pred)
        out, token = check(pred, index, leaves)
        return (out, token), (leaves_batched, False)

    return rule


@functools.lru_cache(maxsize=512)
def _check_for(msgs: tuple[str, ...], where: str, mode: _OnError) -> _Check:
    """One function per (messages, call site, mode): JAX caches traces per
    function."""

    def check(pred: Array, index: Array, leaves: _Leaves) -> tuple[_Leaves, Array]:
        out = lax.cond(  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]  # jax leaves it partially untyped
            pred,
            _failing_branch(msgs, where, mode),
            _passing_branch,
            pred,
            index,
            leaves,
        )
        return cast("tuple[_Leaves, Array]", out)

    batched = custom_vmap(check)
    batched.def_vmap(_batched_check(batched))  # pyright: ignore[reportUnknownMemberType]  # jax leaves it untyped
    return cast("_Check", batched)


def _checked_impl(
    msgs: tuple[str, ...],
    where: str,
    mode: _OnError,
    pred: Array,
    index: Array,
    leaves: _Leaves,
) -> tuple[_Leaves, Array]:
    """The identity on `leaves`, plus a token equal to 1 that only exists
    once the check has passed."""
    return _check_for(msgs, where, mode)(pred, index, leaves)


_checked = jax.custom_jvp[tuple[_Leaves, Array]](
    _checked_impl, nondiff_argnums=(0, 1, 2)
)


def _scale_tangent(tangent: Any, token: Array) -> Any:
    if tangent.dtype == jax.dtypes.float0:
        return tangent
    return tangent * token.astype(tangent.dtype)


@_checked.defjvp
def _checked_jvp(
    msgs: tuple[str, ...],
    where: str,
    mode: _OnError,
    primals: tuple[Array, Array, _Leaves],
    tangents: tuple[Any, Any, _Leaves],
) -> tuple[tuple[_Leaves, Array], tuple[_Leaves, Array]]:
    # Multiplying by the token (== 1) makes the derivative depend on the
    # check, so `jit(grad(f))` cannot drop it as dead code.
    pred, index, leaves = primals
    out, token = _checked(msgs, where, mode, pred, index, leaves)
    scaled = tuple(_scale_tangent(t, token) for t in tangents[2])
    return (out, token), (scaled, jnp.zeros_like(token))


def _check_traced(
    x: _T, pred: Array, index: Array, msgs: tuple[str, ...], mode: _OnError
) -> _T:
    where = _call_site()
    flat, treedef = jtu.tree_flatten(x)
    positions = [i for i, leaf in enumerate(flat) if is_array(leaf)]
    leaves = tuple(jnp.asarray(flat[i]) for i in positions)
    try:
        # Only raises here when running eagerly (e.g. under `jax.vmap` or
        # `jax.grad` outside `jit`): then the callback runs right away.
        checked, _ = _checked(msgs, where, mode, pred, index, leaves)
    except Exception as error:
        ours = equinox_error_from(error)
        if ours is None:
            raise
        raise ours from None
    for i, leaf in zip(positions, checked, strict=True):
        flat[i] = leaf
    rebuilt: _T = jtu.tree_unflatten(treedef, flat)
    return rebuilt


def _static_message(msgs: tuple[str, ...], index: ArrayLike | int) -> str:
    # A traced index cannot be read while tracing: name every candidate.
    if _is_traced(index):
        return " / ".join(msgs)
    return msgs[int(_as_index(index, len(msgs)))]


def _static_check(x: _T, pred: Any, msg: str, mode: _Resolved) -> _T:
    if not pred or mode == "off":
        return x
    if mode == "nan":
        warnings.warn(
            "error_if: the predicate is a Python scalar that is true, so the "
            "check fails while tracing; as on_error='nan', the arrays of `x` "
            "are filled with NaN (integers with their maximum) instead.",
            UserWarning,
            stacklevel=4,
        )
        return _fill_static(x)
    raise EquinoxTracetimeError(msg)


def _array_leaves(x: Any, caller: str) -> None:
    if not any(is_array(leaf) for leaf in jtu.tree_leaves(x)):
        raise ValueError(
            f"{caller}: `x` must contain at least one array (the check is tied "
            f"to the arrays returned); got {type(x).__name__}."
        )


def _concrete_check(x: _T, failed: bool, message: str, mode: _OnError) -> _T:
    """Eager code: decided here; array leaves come back as JAX arrays."""
    if failed and mode != "nan":
        if mode == "breakpoint":
            _open_debugger(message, x)
        raise EquinoxRuntimeError(message)
    return _convert_leaves(x, failed)


def _convert_leaves(x: _T, fill: bool) -> _T:
    def convert(leaf: Any) -> Any:
        if not is_array(leaf):
            return leaf
        array = jnp.asarray(leaf)
        return _filled(array) if fill else array

    converted: _T = jtu.tree_map(convert, x)
    return converted


def _branched(
    x: _T,
    pred: Any,
    index: ArrayLike | int,
    msgs: Sequence[Any],
    on_error: str,
    caller: str,
) -> _T:
    mode = _on_error(on_error)
    texts = tuple(str(msg) for msg in msgs)
    if _is_static_pred(pred):
        if not pred and mode != "off":
            return _convert_leaves(x, False)  # as Equinox: arrays become JAX's
        return _static_check(x, pred, _static_message(texts, index), mode)
    if mode == "off":
        return x
    _array_leaves(x, caller)
    pred_any = _any(pred)
    index_array = _as_index(index, len(texts))
    # Eager code is decided here, except `nan` on traced values (under
    # `grad`), which must pass derivatives through as a traced check does.
    traced_x = any(_is_traced(leaf) for leaf in jtu.tree_leaves(x))
    eager = not (_is_traced(pred_any) or _is_traced(index_array))
    if eager and not (mode == "nan" and traced_x):
        failed = bool(pred_any)
        message = _message(texts, int(index_array)) if failed else ""
        return _concrete_check(x, failed, message, mode)
    index_scalar = jnp.max(jnp.asarray(index_array, jnp.int32))
    return _check_traced(x, jnp.asarray(pred_any), index_scalar, texts, mode)


def error_if(
    x: _T,
    pred: ArrayLike | bool,
    msg: str,
    *,
    on_error: OnErrorArg = "default",
) -> _T:
    """Return `x`, raising `eqx.EquinoxRuntimeError(msg)` if `pred` holds.

    Works on concrete values and inside `jit`, `vmap` and `grad`. Under JIT
    the check is tied to the returned value: use the result (for example
    `x = eqx.error_if(x, x < 0, "negative")`) or the check may be removed as
    dead code, and `x` must contain at least one array. The check fails if any
    element of `pred` is true (under `vmap`: of any batch element). A Python
    scalar `pred` that is true fails at once with `eqx.EquinoxTracetimeError`.

    `on_error` says what a failure does: `"raise"`, `"breakpoint"` (open the
    debugger, then raise), `"nan"` (no error: the arrays of `x` come back
    filled with NaN, integers with their maximum value, bools with True) or
    `"off"` (no check at all). The default, `"default"`, reads the
    environment variable `EQX_ON_ERROR` (itself defaulting to `"raise"`).
    """
    try:
        return _branched(x, pred, 0, (msg,), on_error, "error_if")
    except (EquinoxRuntimeError, EquinoxTracetimeError) as error:
        # Start the traceback here: the frame above is the user's call.
        raise error.with_traceback(None) from None


def branched_error_if(
    x: _T,
    pred: ArrayLike | bool,
    index: ArrayLike | int,
    msgs: Sequence[str],
    *,
    on_error: OnErrorArg = "default",
) -> _T:
    """Like `error_if`, but the message raised is `msgs[index]`.

    `index` is an integer scalar (possibly traced) choosing the message; under
    `vmap` the message of the first failing batch element is used.
    """
    try:
        return _branched(x, pred, index, msgs, on_error, "branched_error_if")
    except (EquinoxRuntimeError, EquinoxTracetimeError) as error:
        raise error.with_traceback(None) from None
