"""`eqx.Enumeration`."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jaxtyping import Array

import equinox as eqx


class Colour(eqx.Enumeration):
    red = "Red colour"
    blue = "Blue colour"


# Both checkers reject extending an enum that has members; see the report in
# equinox/_enum.py's docstring.
class MoreColours(Colour):
    green = "Green colour"


class Shape(eqx.Enumeration):
    square = "Square"


def test_members_are_enumeration_items() -> None:
    # As in Equinox 0.13.8: a member is an `EnumerationItem` (a Module), an
    # instance of its own enumeration only.
    assert type(Colour.red).__name__ == "EnumerationItem"
    assert isinstance(Colour.red, Colour)
    assert isinstance(Colour.red, eqx.Module)
    assert not isinstance(Colour.red, eqx.Enumeration)
    assert not isinstance(MoreColours.red, Colour)
    assert not isinstance(Colour.red, MoreColours)
    assert not isinstance(0, Colour)
    assert MoreColours.red is not Colour.red
    assert not issubclass(Colour, eqx.Module)
    assert repr(Colour.blue) == f"{__name__}.Colour<{Colour[Colour.blue]}>"
    assert list(Colour) == [Colour.red, Colour.blue]
    assert len(Colour) == 2


def test_members_are_pytrees_of_one_int32() -> None:
    leaves, treedef = jax.tree_util.tree_flatten(Colour.blue)
    assert len(leaves) == 1
    assert np.asarray(leaves[0]).dtype == np.int32
    assert int(leaves[0]) == 1
    rebuilt = jax.tree_util.tree_unflatten(treedef, leaves)
    assert isinstance(rebuilt, Colour)
    # Different enumerations, different structures.
    assert treedef != jax.tree_util.tree_structure(MoreColours.blue)
    assert bool(rebuilt == Colour.blue)


def test_messages() -> None:
    # mypy special-cases indexing an Enum class (pyright uses the metaclass).
    assert Colour[Colour.red] == "Red colour"
    assert MoreColours[MoreColours.green] == "Green colour"
    assert MoreColours[MoreColours.red] == "Red colour"


def test_eager_equality() -> None:
    eq = Colour.red == Colour.red
    assert isinstance(eq, jax.Array) and eq.dtype == jnp.bool_
    assert bool(eq)
    assert not bool(Colour.red == Colour.blue)
    assert bool(Colour.red != Colour.blue)
    with pytest.raises(TypeError):
        hash(Colour.red)  # a Module holding an array, as in Equinox


def test_equality_and_where_under_jit() -> None:
    traced: list[bool] = []

    @jax.jit
    def pick(c: Colour, x: Array) -> tuple[Colour, Array, Array]:
        traced.append(c.is_traced())
        chosen = Colour.where(x > 0, Colour.red, c)
        return chosen, chosen == Colour.red, c != Colour.blue

    chosen, is_red, not_blue = pick(Colour.blue, jnp.array(1.0))
    assert isinstance(chosen, Colour) and not chosen.is_traced()
    assert bool(chosen == Colour.red) and bool(is_red) and not bool(not_blue)
    chosen, is_red, _ = pick(Colour.blue, jnp.array(-1.0))
    assert bool(chosen == Colour.blue) and not bool(is_red)
    assert traced == [True]  # one trace; members of one class share it
    pick(Colour.red, jnp.array(-1.0))
    assert traced == [True]


def test_where_under_vmap() -> None:
    def pick(x: Array) -> Colour:
        return Colour.where(x > 0, Colour.red, Colour.blue)

    out = jax.vmap(pick)(jnp.array([1.0, -1.0, 2.0]))
    np.testing.assert_array_equal(
        jax.vmap(lambda c: c == Colour.red)(out), [True, False, True]
    )


def test_promote() -> None:
    promoted = MoreColours.promote(Colour.blue)
    assert isinstance(promoted, MoreColours)
    assert bool(promoted == MoreColours.blue)
    assert MoreColours[promoted] == "Blue colour"
    promoted_in_jit = jax.jit(MoreColours.promote)(Colour.red)
    assert bool(promoted_in_jit == MoreColours.red)
    assert repr(MoreColours.green).endswith(
        "MoreColours<" + MoreColours[MoreColours.green] + ">"
    )


def test_error_messages() -> None:
    with pytest.raises(AttributeError, match="Colour has no member 'purple'"):
        _ = Colour.purple  # type: ignore[attr-defined]  # testing the error
    with pytest.raises(TypeError, match="cannot compare a member of Colour with"):
        _ = Colour.red == Shape.square
    with pytest.raises(TypeError, match="compare with another member"):
        _ = Colour.red == "red"
    with pytest.raises(TypeError, match=r"Use promote\(\.\.\.\)"):
        _ = MoreColours.red == Colour.red
    with pytest.raises(TypeError, match="Shape is not one of the parents of Colour"):
        Colour.promote(Shape.square)
    with pytest.raises(TypeError, match=r"Colour\.where `b`: expected a member"):
        Colour.where(True, Colour.red, Shape.square)  # type: ignore[arg-type]  # testing the error
    with pytest.raises(TypeError, match="Colour is not instantiated"):
        Colour()  # type: ignore[call-arg]  # testing the error
    assert bool(Colour.red) is True  # as in Equinox
    with pytest.raises(TypeError, match=r"Colour\[\.\.\.\]: expected a member of"):
        _ = Colour[MoreColours.red]


def test_message_of_traced_member_is_an_error() -> None:
    def message(c: Colour) -> str:
        return Colour[c]

    with pytest.raises(ValueError, match="the member is traced"):
        jax.jit(message)(Colour.red)


def test_bad_definitions() -> None:
    # AttributeError as Equinox (a TypeError too).
    with pytest.raises(AttributeError, match="members must be given a string message"):

        class Bad(eqx.Enumeration):
            one = 1

    # As in Equinox (diffrax and optimistix rely on it): redefining an
    # inherited member keeps its value; a new message replaces the old one
    # with a warning.
    with pytest.warns(UserWarning, match="duplicate incompatible values for red"):

        class Again(Colour):
            red = "again"  # type: ignore[misc]  # redefining a member

    assert Again[Again.red] == "again"
    positions = [int(m._value) for m in Again]  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]  # private, the positions
    assert positions == [0, 1]

    with pytest.raises(TypeError, match="'where' is a method"):

        class Clash(eqx.Enumeration):
            where = "somewhere"  # type: ignore[assignment]  # testing the error


def test_works_with_error_if() -> None:
    @jax.jit
    def check(c: Colour) -> Colour:
        return eqx.error_if(c, c == Colour.red, "red is not allowed")

    assert bool(check(Colour.blue) == Colour.blue)
    with pytest.raises(Exception, match="red is not allowed"):
        check(Colour.red)


class _A(eqx.Enumeration):
    a = "A"


class _B(_A):
    b = "B"


class _C(_A):
    c = "C"
    a = "A"  # type: ignore[misc]  # redefining a member (same message)


class _D(_B, _C):
    d = "D"


def test_several_parents_as_equinox() -> None:
    # Measured against Equinox 0.13.8: parents' members in order (a shared
    # one once), then the class's own; `promote` maps each parent's.
    members = [_D.a, _D.b, _D.c, _D.d]
    assert [_D[m] for m in members] == ["A", "B", "C", "D"]
    positions = [int(m._value) for m in members]  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]  # private, the positions
    assert positions == [0, 1, 2, 3]
    offsets = {k.__name__: v.tolist() for k, v in _D._base_offsets.items()}  # type: ignore[attr-defined]  # private, as Equinox's  # pyright: ignore[reportAttributeAccessIssue]
    assert offsets == {"_B": [0, 1], "_A": [0], "_C": [0, 2]}
    assert _D[_D.promote(_C.c)] == "C"
    assert bool(_D.promote(_C.c) == _D.c)
    assert bool(jax.jit(_D.promote)(_C.c) == _D.c)
    assert bool(_D.promote(_A.a) == _D.a)
    with pytest.raises(ValueError):
        _C.promote(_B.b)


def test_batched_member_repr() -> None:
    batch = jax.vmap(lambda p: Colour.where(p, Colour.red, Colour.blue))(
        jnp.array([True, False])
    )
    assert repr(batch) == f"{__name__}.Colour<['Red colour' 'Blue colour']>"


def test_is_member_admits_subclass_members() -> None:
    from equinox._enum import is_member

    assert is_member(MoreColours.red, Colour)
    assert is_member(Colour.red, Colour)
    assert not is_member(Colour.red, MoreColours)
    assert not is_member(Shape.square, Colour)
    assert not is_member("red", Colour)


# ------------------------------------------- run-time checks of member fields


class _Shade(eqx.Enumeration):
    light = "light"


class _MoreShades(_Shade):
    dark = "dark"


class _Unrelated(eqx.Enumeration):
    other = "other"


class _Painted(eqx.Module):
    shade: _Shade


def test_field_of_an_enumeration_admits_members_of_its_extensions() -> None:
    # Static checkers take `_MoreShades.light` as a `_Shade`; so does the
    # run-time check (although `isinstance` says no, as in Equinox).
    assert not isinstance(_MoreShades.light, _Shade)
    assert _Painted(_MoreShades.dark).shade is _MoreShades.dark
    assert _Painted(_Shade.light).shade is _Shade.light


def test_field_of_an_enumeration_rejects_another_enumeration() -> None:
    with pytest.raises(eqx.TypeCheckError) as info:
        _Painted(_Unrelated.other)  # type: ignore[arg-type]  # wrong on purpose
    message = str(info.value)
    assert "a member of _Unrelated" in message
    assert "equinox._enum" not in message
