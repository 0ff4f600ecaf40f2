"""Full names the plugin recognises, and the key of its per-class metadata."""

from typing import Final

MODULE: Final = "equinox._module.Module"
FIELD_SPECIFIERS: Final = frozenset({"equinox._field.field", "dataclasses.field"})
ABSTRACT_VAR: Final = "equinox._abstract.AbstractVar"
ABSTRACT_CLASSVAR: Final = "equinox._abstract.AbstractClassVar"
CLASSVAR_NAMES: Final = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
# Array types that have no business in the treedef (`static=True`).
ARRAY_TYPES: Final = frozenset({"jax._src.basearray.Array", "numpy.ndarray"})
INIT_METHODS: Final = frozenset({"__init__", "__post_init__"})

# `TypeInfo.metadata[METADATA_KEY]` holds what the semantic-analysis hook
# found in a class body. It is plain JSON, so it is stored in mypy's cache and
# a warm run sees exactly what a cold run computed.
METADATA_KEY: Final = "equinox"
