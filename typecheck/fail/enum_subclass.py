# pyright: strict
"""Subclassing an enumeration that has members: valid at run time (the
subclass adds members; `promote` converts a parent's member). mypy with the
equinox plugin accepts it; pyright, which has no plugins, keeps its `enum`
rules: it rejects the subclass and reads inherited members as the parent's
enum literals (pyright-only markers below)."""

from typing import assert_type

import equinox as eqx


class Colour(eqx.Enumeration):
    red = "Red colour"
    blue = "Blue colour"


class MoreColour(Colour):  # E: pyright: reportGeneralTypeIssues
    green = "Green colour"


def paint_more(colour: MoreColour) -> str:
    return MoreColour[colour]


def message(colour: MoreColour) -> str:
    text = MoreColour[colour]
    assert_type(text, str)
    return text


# Converting a parent's member, and reading members through the subclass.
assert_type(MoreColour.promote(Colour.red), MoreColour)
assert_type(MoreColour.red, MoreColour)  # E: pyright: reportAssertTypeFailure
assert_type(MoreColour[MoreColour.green], str)
paint_more(MoreColour.promote(Colour.red))
paint_more(MoreColour.green)
paint_more(MoreColour.red)  # E: pyright: reportArgumentType
as_parent: Colour = MoreColour.green
assert_type(list(MoreColour), list[MoreColour])

# A member of the parent is not a member of the subclass: promote it first.
paint_more(Colour.red)  # E: arg-type; pyright: reportArgumentType


class Again(Colour):  # E: pyright: reportGeneralTypeIssues
    # A subclass may only add members (TypeError at run time).
    red = "Red again"  # E: misc
