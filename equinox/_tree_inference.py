"""`eqx.tree_inference`: Equinox's older name for `eqx.nn.inference_mode`.

Equinox 0.13 still exports it (the very same function, without a warning),
so code written against it keeps working.
"""

from .nn import inference_mode as tree_inference

__all__ = ["tree_inference"]
