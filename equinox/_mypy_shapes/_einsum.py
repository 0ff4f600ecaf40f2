"""`jnp.einsum("ij,jk->ik", a, b)`: each letter is one size across operands."""

from ._broadcast import ShapeError, equal_dims
from ._terms import Shape
from ._unify import Term


def _split(subscripts: str, count: int) -> tuple[list[str], str] | None:
    text = subscripts.replace(" ", "")
    if "." in text:
        return None  # ellipsis broadcasting: not modelled
    inputs, arrow, output = text.partition("->")
    parts = inputs.split(",")
    if len(parts) != count:
        raise ShapeError(
            f'einsum subscripts "{subscripts}" name {len(parts)} operands,'
            f" {count} given"
        )
    if not arrow:  # implicit output: letters used once, in alphabetical order
        letters = "".join(parts)
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return parts, output


def einsum(
    subscripts: str, shapes: list[Shape], distinct: frozenset[str]
) -> Shape | None:
    split = _split(subscripts, len(shapes))
    if split is None:
        return None
    parts, output = split
    sizes: dict[str, Term] = {}
    for n, (letters, shape) in enumerate(zip(parts, shapes, strict=True)):
        if len(letters) != len(shape):
            raise ShapeError(
                f'einsum operand {n} has {len(shape)} dimensions but "{letters}"'
                f" names {len(letters)}"
            )
        for letter, dim in zip(letters, shape, strict=True):
            if letter in sizes and 1 in (sizes[letter], dim):
                sizes[letter] = dim if sizes[letter] == 1 else sizes[letter]
            elif letter in sizes:
                what = f'einsum index "{letter}"'
                sizes[letter] = equal_dims(sizes[letter], dim, distinct, what)
            else:
                sizes[letter] = dim
    for letter in output:
        if letter not in sizes:
            raise ShapeError(f'einsum output index "{letter}" is not in any input')
    return tuple(sizes[c] for c in output)
