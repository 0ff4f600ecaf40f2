# jaxlib ships its C++ extension `_jax` without type stubs, so every type that
# comes from it (PyTreeDef, Device, ...) is Unknown to pyright. This stub types
# the pytree submodule, declares the classes jax's public signatures mention,
# and makes the rest Any.
from typing import Any

from . import pytree as pytree

class Device:
    id: int
    platform: str
    device_kind: str
    process_index: int
    def __getattr__(self, name: str) -> Any: ...

class DeviceList:
    def __getattr__(self, name: str) -> Any: ...

class Client:
    platform: str
    def __getattr__(self, name: str) -> Any: ...

def __getattr__(name: str) -> Any: ...
