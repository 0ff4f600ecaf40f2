"""equinox: typed neural networks for JAX."""

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
from ._pretty import tree_pformat as tree_pformat
from ._pretty import tree_pprint as tree_pprint
from ._tree_equal import tree_equal as tree_equal
from ._update import apply_updates as apply_updates

__version__ = "0.13.0.dev0"
