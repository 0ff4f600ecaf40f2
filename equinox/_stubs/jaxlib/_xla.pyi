# jaxlib's `_xla` C++ extension has no type stubs; its names are Any here so
# that jax signatures mentioning them (Device, ...) are not Unknown to pyright.
from typing import Any

def __getattr__(name: str) -> Any: ...
