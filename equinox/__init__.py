"""equinox: typed neural networks for JAX."""

from . import nn as nn
from ._abstract import AbstractClassVar as AbstractClassVar
from ._abstract import AbstractVar as AbstractVar
from ._field import field as field
from ._filters import combine as combine
from ._filters import filter as filter
from ._filters import is_array as is_array
from ._filters import is_array_like as is_array_like
from ._filters import is_inexact_array as is_inexact_array
from ._filters import is_inexact_array_like as is_inexact_array_like
from ._filters import partition as partition
from ._module import Module as Module
from ._module import ModuleFrozenError as ModuleFrozenError
from ._partial import Partial as Partial
from ._partial import module_update_wrapper as module_update_wrapper
from ._pretty import tree_pformat as tree_pformat
from ._pretty import tree_pprint as tree_pprint
from ._serialisation import (
    default_deserialise_filter_spec as default_deserialise_filter_spec,
)
from ._serialisation import (
    default_serialise_filter_spec as default_serialise_filter_spec,
)
from ._serialisation import tree_deserialise_leaves as tree_deserialise_leaves
from ._serialisation import tree_serialise_leaves as tree_serialise_leaves
from ._tree_at import tree_at as tree_at
from ._tree_check import tree_check as tree_check
from ._tree_check import tree_flatten_one_level as tree_flatten_one_level
from ._tree_equal import tree_equal as tree_equal
from ._update import apply_updates as apply_updates

__version__ = "0.13.0.dev0"
