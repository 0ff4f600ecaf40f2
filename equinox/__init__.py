"""equinox: typed neural networks for JAX.

The public names below are imported lazily (PEP 562): `import equinox` is
cheap, and the mypy plugin (`equinox.mypy`), which mypy imports with the
package, does not pull in JAX. Static tools read the `TYPE_CHECKING` imports;
`tests/test_lazy_exports.py` keeps the two lists equal.
"""

from typing import TYPE_CHECKING

__version__ = "0.13.9"

if TYPE_CHECKING:
    from . import debug as debug
    from . import internal as internal
    from . import nn as nn
    from ._abstract import AbstractClassVar as AbstractClassVar
    from ._abstract import AbstractVar as AbstractVar
    from ._ad import filter_grad as filter_grad
    from ._ad import filter_hessian as filter_hessian
    from ._ad import filter_jacfwd as filter_jacfwd
    from ._ad import filter_jacrev as filter_jacrev
    from ._ad import filter_jvp as filter_jvp
    from ._ad import filter_value_and_grad as filter_value_and_grad
    from ._ad import filter_vjp as filter_vjp
    from ._caches import clear_caches as clear_caches
    from ._callback import filter_pure_callback as filter_pure_callback
    from ._checkpoint import filter_checkpoint as filter_checkpoint
    from ._closure_convert import filter_closure_convert as filter_closure_convert
    from ._custom_derivatives import filter_custom_jvp as filter_custom_jvp
    from ._custom_derivatives import filter_custom_vjp as filter_custom_vjp
    from ._enum import Enumeration as Enumeration
    from ._errors import EquinoxRuntimeError as EquinoxRuntimeError
    from ._errors import EquinoxTracetimeError as EquinoxTracetimeError
    from ._errors import branched_error_if as branched_error_if
    from ._errors import error_if as error_if
    from ._eval_shape import filter_eval_shape as filter_eval_shape
    from ._field import field as field
    from ._field import static_field as static_field  # pyright: ignore[reportDeprecated]  # re-exported: Equinox code still imports it
    from ._filters import combine as combine
    from ._filters import filter as filter
    from ._filters import is_array as is_array
    from ._filters import is_array_like as is_array_like
    from ._filters import is_inexact_array as is_inexact_array
    from ._filters import is_inexact_array_like as is_inexact_array_like
    from ._filters import partition as partition
    from ._jit import filter_jit as filter_jit
    from ._make_jaxpr import filter_make_jaxpr as filter_make_jaxpr
    from ._module import Module as Module
    from ._module import ModuleFrozenError as ModuleFrozenError
    from ._partial import Partial as Partial
    from ._partial import module_update_wrapper as module_update_wrapper
    from ._pretty import tree_pformat as tree_pformat
    from ._pretty import tree_pprint as tree_pprint
    from ._runtime_check._errors import TypeCheckError as TypeCheckError
    from ._runtime_check._errors import TypeCheckWarning as TypeCheckWarning
    from ._runtime_check._level import set_typecheck_level as set_typecheck_level
    from ._serialisation import (
        default_deserialise_filter_spec as default_deserialise_filter_spec,
    )
    from ._serialisation import (
        default_serialise_filter_spec as default_serialise_filter_spec,
    )
    from ._serialisation import tree_deserialise_leaves as tree_deserialise_leaves
    from ._serialisation import tree_serialise_leaves as tree_serialise_leaves
    from ._sharding import filter_shard as filter_shard
    from ._tree_at import tree_at as tree_at
    from ._tree_check import tree_check as tree_check
    from ._tree_check import tree_flatten_one_level as tree_flatten_one_level
    from ._tree_equal import tree_equal as tree_equal
    from ._tree_inference import tree_inference as tree_inference
    from ._update import apply_updates as apply_updates
    from ._vmap_pmap import filter_pmap as filter_pmap
    from ._vmap_pmap import filter_vmap as filter_vmap
    from ._vmap_pmap import if_array as if_array
else:
    # Hidden from static tools: a visible module `__getattr__` would make
    # them accept any attribute of `equinox`, typos included.
    import importlib

    # Public name -> module (relative to this package) that defines it.
    _EXPORTS: dict[str, str] = {
        "debug": ".debug",
        "internal": ".internal",
        "nn": ".nn",
        "AbstractClassVar": "._abstract",
        "AbstractVar": "._abstract",
        "filter_grad": "._ad",
        "filter_hessian": "._ad",
        "filter_jacfwd": "._ad",
        "filter_jacrev": "._ad",
        "filter_jvp": "._ad",
        "filter_value_and_grad": "._ad",
        "filter_vjp": "._ad",
        "clear_caches": "._caches",
        "filter_pure_callback": "._callback",
        "filter_checkpoint": "._checkpoint",
        "filter_closure_convert": "._closure_convert",
        "filter_custom_jvp": "._custom_derivatives",
        "filter_custom_vjp": "._custom_derivatives",
        "Enumeration": "._enum",
        "EquinoxRuntimeError": "._errors",
        "EquinoxTracetimeError": "._errors",
        "branched_error_if": "._errors",
        "error_if": "._errors",
        "filter_eval_shape": "._eval_shape",
        "field": "._field",
        "static_field": "._field",
        "combine": "._filters",
        "filter": "._filters",
        "is_array": "._filters",
        "is_array_like": "._filters",
        "is_inexact_array": "._filters",
        "is_inexact_array_like": "._filters",
        "partition": "._filters",
        "filter_jit": "._jit",
        "filter_make_jaxpr": "._make_jaxpr",
        "Module": "._module",
        "ModuleFrozenError": "._module",
        "Partial": "._partial",
        "module_update_wrapper": "._partial",
        "tree_pformat": "._pretty",
        "tree_pprint": "._pretty",
        "TypeCheckError": "._runtime_check._errors",
        "TypeCheckWarning": "._runtime_check._errors",
        "set_typecheck_level": "._runtime_check._level",
        "default_deserialise_filter_spec": "._serialisation",
        "default_serialise_filter_spec": "._serialisation",
        "tree_deserialise_leaves": "._serialisation",
        "tree_serialise_leaves": "._serialisation",
        "filter_shard": "._sharding",
        "tree_at": "._tree_at",
        "tree_check": "._tree_check",
        "tree_flatten_one_level": "._tree_check",
        "tree_equal": "._tree_equal",
        "tree_inference": "._tree_inference",
        "apply_updates": "._update",
        "filter_pmap": "._vmap_pmap",
        "filter_vmap": "._vmap_pmap",
        "if_array": "._vmap_pmap",
    }

    def __getattr__(name: str) -> object:
        try:
            module_name = _EXPORTS[name]
        except KeyError:
            raise AttributeError(
                f"module 'equinox' has no attribute '{name}'"
            ) from None
        module = importlib.import_module(module_name, __name__)
        # A subpackage is the value itself; otherwise take the name from it.
        value = module if module_name == "." + name else getattr(module, name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*globals(), *_EXPORTS])
