from typing import Any

import jaxtyping
import pytest
from hypothesis import given
from hypothesis import strategies as st

from equinox._shape_spec import (
    AnonymousDim,
    Dim,
    FixedDim,
    NamedDim,
    ShapeSpec,
    ShapeSpecError,
    SymbolicDim,
    VariadicDim,
    evaluate_symbolic,
    format_shape,
    parse_shape,
    symbolic_names,
)


@pytest.mark.parametrize(
    ("text", "dims"),
    [
        ("", ()),
        ("3", (FixedDim(3),)),
        ("b c", (NamedDim("b"), NamedDim("c"))),
        ("...", (VariadicDim(),)),
        ("*batch n", (VariadicDim("batch", spelling="*batch"), NamedDim("n"))),
        ("#n", (NamedDim("n", broadcastable=True),)),
        ("#3", (FixedDim(3, broadcastable=True),)),
        ("*#b", (VariadicDim("b", True, spelling="*#b"),)),
        ("#*b", (VariadicDim("b", True, spelling="#*b"),)),
        ("_", (AnonymousDim(),)),
        ("_foo", (AnonymousDim("foo"),)),
        ("*_", (VariadicDim(spelling="*_"),)),
        ("*_rest", (VariadicDim(spelling="*_rest"),)),
        ("n+1", (SymbolicDim("n+1"),)),
        ("#n-1", (SymbolicDim("n-1", broadcastable=True),)),
        ("min(a,b)", (SymbolicDim("min(a,b)"),)),
        ("rows=3 cols=4", (FixedDim(3), FixedDim(4))),
        ("?n", (NamedDim("n", treepath=True),)),
        ("?*n", (VariadicDim("n", treepath=True, spelling="?*n"),)),
        ("  a   b  ", (NamedDim("a"), NamedDim("b"))),
    ],
)
def test_parse_forms(text: str, dims: tuple[Dim, ...]) -> None:
    assert parse_shape(text) == ShapeSpec(dims)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a,b", "commas"),
        ("n#", "before the name"),
        ("a...", "on its own"),
        ("##n", "used twice"),
        ("**n", "used twice"),
        ("__n", "used twice"),
        ("#_", "anonymous"),
        ("*4", "fixed size"),
        ("_4", "fixed size"),
        ("*n+1", "symbolic"),
        ("*a *b", "at most one variadic"),
        ("... *b", "at most one variadic"),
    ],
)
def test_rejects_what_jaxtyping_rejects(text: str, fragment: str) -> None:
    with pytest.raises(ShapeSpecError, match=fragment) as info:
        parse_shape(text)
    assert repr(text) in str(info.value)  # the message names the shape
    with pytest.raises(ValueError):
        jaxtyping.Float[jaxtyping.Array, text]  # jaxtyping agrees it is invalid


def test_variadic_index_and_min_rank() -> None:
    spec = parse_shape("a *b c")
    assert spec.variadic_index == 1
    assert spec.min_rank == 2
    assert parse_shape("a b").variadic_index is None


def test_symbolic_evaluation() -> None:
    assert evaluate_symbolic("n+1", {"n": 3}) == 4
    assert evaluate_symbolic("2*n - m//2", {"n": 3, "m": 5}) == 4
    assert evaluate_symbolic("n+1", {}) is None  # unbound: unknown
    assert evaluate_symbolic("min(a,b)", {"a": 1, "b": 2}) is None  # calls: unknown
    assert evaluate_symbolic("n//0", {"n": 1}) is None  # never crash
    assert evaluate_symbolic("2**n", {"n": 1000}) is None  # too large to bother
    assert evaluate_symbolic("1.5", {}) is None
    assert symbolic_names("n*m+1") == {"n", "m"}


def _plus(name: str, offset: int) -> str:
    return f"{name}+{offset}"


_NAME = st.from_regex(r"[a-zA-Z][a-zA-Z0-9]{0,5}", fullmatch=True)
_SINGLE = st.one_of(
    st.builds(FixedDim, st.integers(0, 10_000), st.booleans()),
    st.builds(NamedDim, _NAME, st.booleans(), st.booleans()),
    st.builds(AnonymousDim, st.one_of(st.just(""), _NAME)),
    st.builds(
        SymbolicDim,
        st.builds(_plus, _NAME, st.integers(0, 9)),
        st.booleans(),
    ),
)


@st.composite
def _specs(draw: st.DrawFn) -> ShapeSpec:
    dims: list[Dim] = list(draw(st.lists(_SINGLE, max_size=6)))
    if draw(st.booleans()):
        b, t = draw(st.booleans()), draw(st.booleans())
        name = draw(_NAME)
        variadic = draw(
            st.sampled_from(
                [
                    VariadicDim(),
                    VariadicDim(spelling="*_"),
                    VariadicDim(
                        name, b, t, ("?" if t else "") + "*" + ("#" if b else "") + name
                    ),
                ]
            )
        )
        dims.insert(draw(st.integers(0, len(dims))), variadic)
    return ShapeSpec(tuple(dims))


@given(_specs())
def test_format_parse_round_trip(spec: ShapeSpec) -> None:
    assert parse_shape(format_shape(spec)) == spec
    assert spec.min_rank == sum(not isinstance(d, VariadicDim) for d in spec.dims)


@given(_specs())
def test_agrees_with_jaxtyping(spec: ShapeSpec) -> None:
    """jaxtyping accepts every string we produce, with the same variadic index."""
    text = format_shape(spec)
    # jaxtyping's run-time class; its attributes are invisible to checkers.
    hint: Any = jaxtyping.Shaped[jaxtyping.Array, text]
    assert hint.index_variadic == spec.variadic_index
    assert len(hint.dims) == len(spec.dims)


@given(st.text(alphabet="ab1_*#.?=+ ,()", max_size=12))
def test_parse_never_crashes_and_agrees_on_validity(text: str) -> None:
    try:
        ours: ShapeSpec | None = parse_shape(text)
    except ShapeSpecError:
        ours = None
    try:
        jaxtyping.Shaped[jaxtyping.Array, text]
        theirs_ok = True
    except ValueError:
        theirs_ok = False
    if ours is not None:
        assert theirs_ok, text
