# pyright: strict
"""Instantiating modules with unprovided AbstractVar / AbstractClassVar."""

import abc

from jaxtyping import Array

import equinox as eqx


class AbstractModel(eqx.Module):
    size: eqx.AbstractVar[int]
    kind: eqx.AbstractClassVar[str]


class OnlySize(AbstractModel):
    size: int


class OnlyKind(AbstractModel):
    kind = "dense"


class Complete(AbstractModel):
    size: int
    kind = "complete"


class AbstractLayer(eqx.Module):
    @abc.abstractmethod
    def __call__(self, x: Array) -> Array: ...


# pyright sees AbstractVar as an ordinary field, so it also reports the
# missing `size` argument. Whether it treats `AbstractClassVar` as a ClassVar
# depends on how it resolves the TYPE_CHECKING alias (see README, "pyright
# parity"), hence the `pyright: ignore` on the lines that only lack `kind`.
AbstractModel()  # E: eqx-abstract; pyright: reportCallIssue
OnlySize(3)  # pyright: ignore[reportCallIssue]  # gap: kind  # E: eqx-abstract
OnlyKind()  # E: eqx-abstract; pyright: reportCallIssue
Complete(3)  # pyright: ignore[reportCallIssue]  # gap: kind
AbstractLayer()  # E: abstract; pyright: reportAbstractUsage


def size_of(model: AbstractModel) -> int:
    return model.size


size_of(Complete("3"))  # pyright: ignore[reportCallIssue, reportArgumentType]  # E: arg-type
size_of(OnlySize)  # E: arg-type; pyright: reportArgumentType
