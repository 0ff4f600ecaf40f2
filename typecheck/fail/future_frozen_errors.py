# pyright: strict
"""Frozen assignments and constructor mistakes under postponed annotations,
with forward references."""

from __future__ import annotations

import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Node(eqx.Module):
    value: Array
    next: Node | None = None

    def relink(self, other: Node) -> None:
        self.next = other  # E: eqx-frozen

    def last(self) -> Node:
        node = self
        while node.next is not None:
            node = node.next
        return node


class Graph(eqx.Module):
    root: Node
    edges: list[Edge]

    def add(self, edge: Edge) -> None:
        self.edges = [*self.edges, edge]  # E: eqx-frozen


class Edge(eqx.Module):
    start: Node
    end: Node
    weight: float = 1.0


n = Node(jnp.zeros(2))
Node(jnp.zeros(2), n, n)  # E: call-arg; pyright: reportCallIssue
Node(jnp.zeros(2), next=3)  # E: arg-type; pyright: reportArgumentType
Graph(n, [n])  # E: list-item; pyright: reportArgumentType
Edge(n, n, "heavy")  # E: arg-type; pyright: reportArgumentType
Edge(n, n).weight = 2.0  # E: eqx-frozen
g = Graph(n, [])
g.root.value = jnp.ones(2)  # E: eqx-frozen
