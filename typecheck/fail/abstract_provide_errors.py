# pyright: strict
"""Providing abstract attributes with the wrong type, and abstract methods."""

import abc

from jaxtyping import Array

import equinox as eqx


class AbstractPolicy(eqx.Module):
    n_actions: eqx.AbstractVar[int]

    @abc.abstractmethod
    def act(self, obs: Array) -> Array: ...


class WrongType(AbstractPolicy):
    n_actions: str  # E: assignment; pyright: reportIncompatibleVariableOverride

    def act(self, obs: Array) -> Array:
        return obs


class NoAct(AbstractPolicy):
    n_actions: int


class Greedy(AbstractPolicy):
    n_actions: int

    def act(self, obs: Array) -> Array:
        return obs.argmax()


NoAct(3)  # E: abstract; pyright: reportAbstractUsage
Greedy(3)
Greedy("3")  # E: arg-type; pyright: reportArgumentType
AbstractPolicy()  # E: abstract, eqx-abstract; pyright: reportAbstractUsage, reportCallIssue


def actions(policy: AbstractPolicy) -> str:
    return policy.n_actions  # E: return-value; pyright: reportReturnType
