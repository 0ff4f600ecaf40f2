"""Loops: `while_loop`, `scan`, buffers."""

from ._buffer import MaybeBuffer as MaybeBuffer
from ._buffer import buffer_at_set as buffer_at_set
from ._scan import scan as scan
from ._while_loop import while_loop as while_loop
