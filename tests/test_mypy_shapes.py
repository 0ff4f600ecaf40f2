"""The shape/dtype plugin, driven through mypy on small snippets.

Each snippet marks the lines that must fail with `# E: <code>`; every other
line must be clean. Snippets are batched into a few mypy runs to stay quick.
"""

import re
import textwrap
from pathlib import Path

import pytest
from mypy import api

from equinox._mypy_shapes._unify import Memo, instantiate, unify
from equinox._shape_spec import format_shape, parse_shape

_MARK = re.compile(r"#\s*E:\s*([\w-]+)")
_ERROR = re.compile(r"^[^:]+\.py:(\d+): error: .*\[([\w-]+)\]$")

_PRELUDE = """\
import jax
import jax.numpy as jnp
import equinox as eqx
import jaxtyping as jt
from jaxtyping import Array, Bool, Float, Float32, Int, Integer, Num, Real, Shaped
from jaxtyping import Float as F
"""

_BAD = _PRELUDE + textwrap.dedent(
    """
    def f34(x: Float[Array, "3 4"]) -> None: ...
    def fsq(x: Float[Array, "n n"]) -> None: ...
    def mm(a: Float[Array, "n k"], b: Float[Array, "k m"]) -> Float[Array, "n m"]:
        return a @ b
    def want_int(x: Int[Array, "n"]) -> None: ...
    def want_f32(x: Float32[Array, "n"]) -> None: ...
    def batched(x: Float[Array, "*b n"], y: Float[Array, "*b"]) -> None: ...
    def plus1(x: Float[Array, "n"], y: Float[Array, "n+1"]) -> None: ...
    def scalar(x: Float[Array, ""]) -> None: ...

    a23: Float[Array, "2 3"] = jnp.zeros((2, 3))
    a37: Float[Array, "3 7"] = jnp.zeros((3, 7))
    a34: F[Array, "3 4"] = jnp.zeros((3, 4))
    a3: Float[Array, "3"] = jnp.zeros(3)
    a5: Float[Array, "5"] = jnp.zeros(5)
    i3: Int[Array, "3"] = jnp.zeros(3, dtype=int)
    b3: Bool[Array, "3"] = jnp.zeros(3, dtype=bool)

    f34(a23)  # E: jaxtyping-shape
    f34(a3)  # E: jaxtyping-shape
    fsq(a34)  # E: jaxtyping-shape
    mm(a37, a23)  # E: jaxtyping-shape
    c = mm(a23, a37)
    f34(c)  # E: jaxtyping-shape
    want_int(a3)  # E: jaxtyping-dtype
    want_f32(i3)  # E: jaxtyping-dtype
    f34(b3)  # E: jaxtyping-dtype
    batched(a23, a5)  # E: jaxtyping-shape
    plus1(a3, a5)  # E: jaxtyping-shape
    scalar(a3)  # E: jaxtyping-shape

    # Inferred between annotations: einsum subscripts, names of one scope.
    def ein(a: Float[Array, "i j"], b: Float[Array, "j k"]) -> Float[Array, "i k"]:
        return jnp.einsum("ij,jk->ik", a, b)

    jnp.einsum("ij,jk->ik", a23, a23)  # E: jaxtyping-shape
    jnp.einsum("ij,jk->ik", a23)  # E: jaxtyping-shape

    def mixed(x: Float[Array, "n"], y: Float[Array, "m"]) -> Float[Array, "n"]:
        return x + y  # E: jaxtyping-names
    wrong: Float[Array, "2 8"] = mm(a23, a37)  # E: jaxtyping-shape
    wrong_dtype: Int[Array, "3"] = a3  # E: jaxtyping-dtype

    def ret(x: Float[Array, "n 3"]) -> Float[Array, "n 4"]:
        return x  # E: jaxtyping-shape

    def ret_dtype(x: Float[Array, "n"]) -> Int[Array, "n"]:
        return x  # E: jaxtyping-dtype

    class Lin(eqx.Module):
        weight: Float[Array, "o i"]
        bias: Float[Array, "o"]

        def apply(self, x: Float[Array, "i"], y: Float[Array, "i"]) -> None: ...

    Lin(a34, a5)  # E: jaxtyping-shape
    lin = Lin(a34, a3)
    lin.apply(a3, a5)  # E: jaxtyping-shape
    Lin(a34, i3)  # E: jaxtyping-dtype
    """
)

_GOOD = _PRELUDE + textwrap.dedent(
    """
    from typing import Any

    def mm(a: Float[Array, "n k"], b: Float[Array, "k m"]) -> Float[Array, "n m"]:
        return a @ b
    def num(x: Num[Array, "..."]) -> None: ...
    def real(x: Real[Array, "n"]) -> None: ...
    def anyd(x: Shaped[Array, "n"]) -> None: ...
    def bcast(x: Float[Array, "#n"], y: Float[Array, "n"]) -> None: ...
    def two(x: Float[Array, "n"], y: Float[Array, "n"]) -> None: ...
    def var(x: Float[Array, "*b 3"]) -> Float[Array, "*b"]:
        return x.sum(-1)

    a23: Float[Array, "2 3"] = jnp.zeros((2, 3))
    a37: Float[Array, "3 7"] = jnp.zeros((3, 7))
    plain = jnp.zeros((5, 5))
    anything: Any = plain
    f32: Float32[Array, "4"] = jnp.zeros(4)
    one: Float[Array, "1"] = jnp.zeros(1)
    a4: Float[Array, "4"] = jnp.zeros(4)

    c: Float[Array, "2 7"] = mm(a23, a37)
    mm(plain, plain)
    mm(anything, a37)
    num(f32)
    real(f32)
    anyd(f32)
    bcast(one, a4)

    def callers(x: Float[Array, "a"], y: Float[Array, "b"]) -> Float[Array, "a"]:
        two(x, y)  # different caller names: not known to differ
        return x

    def batch(x: Float[Array, "*n 3"], y: Float[Array, "5 3"]) -> None:
        var(x)
        var(y)

    d: jt.Integer[Array, "2"] = jnp.zeros(2, dtype=int)

    def single(x: Float[Array, "3"]) -> Float[Array, ""]:
        return x.sum()

    @jax.vmap
    def decorated(x: Float[Array, "3"]) -> Float[Array, ""]:
        return x.sum()

    class Scorer(eqx.Module):
        w: Float[Array, "3"]

        def __call__(self, x: Float[Array, "3"]) -> Float[Array, ""]:
            return self.w @ x

    def transformed(xs: Float[Array, "b 3"], model: Scorer) -> Float[Array, "b"]:
        # vmap keeps the function's type but takes batched arrays: no errors
        per_row = jax.vmap(single)
        r1: Float[Array, "b"] = per_row(xs)
        r2: Float[Array, "b"] = jax.vmap(single)(xs)
        r3: Float[Array, "b"] = decorated(xs)
        r4: Float[Array, "b"] = eqx.filter_vmap(model)(xs)
        batched_model = jax.vmap(model)
        return batched_model(xs)

    def vmapped(x: Float[Array, "b 3"]) -> Array:
        # mypy's own hooks (functools.partial, behind jax.vmap) must still run:
        # otherwise this is Any and --strict reports no-any-return.
        return jax.vmap(var)(x)
    """
)


# A script that ends the module early: the appended check function must stay
# reachable (no --warn-unreachable error) and still run.
_ENDING = (
    "# mypy: warn-unreachable\n"
    + _PRELUDE
    + textwrap.dedent(
        """
    def ret(x: Float[Array, "3"]) -> Float[Array, "4"]:
        return x  # E: jaxtyping-shape

    raise SystemExit(0)
    """
    )
)


# The `jaxtyping-names` strictness is a switch: its own error code.
_SWITCHED = (
    '# mypy: disable-error-code="jaxtyping-names"\n'
    + _PRELUDE
    + textwrap.dedent(
        """
    def mixed(x: Float[Array, "n"], y: Float[Array, "m"]) -> Float[Array, "n"]:
        return x + y

    def sizes(x: Float[Array, "3"], y: Float[Array, "4"]) -> Float[Array, "3"]:
        return x + y  # E: jaxtyping-shape
    """
    )
)


def _entry(tmp: Path) -> Path:
    entry = tmp / "shapes_entry.py"
    entry.write_text(
        "from equinox._mypy_shapes import ShapePlugin\n\n\n"
        "def plugin(version: str) -> type[ShapePlugin]:\n"
        "    return ShapePlugin\n"
    )
    config = tmp / "mypy.ini"
    config.write_text(f"[mypy]\nplugins = {entry}\nstrict = True\n")
    return config


def _run(files: list[Path], cache: Path) -> list[str]:
    # One config (and plugin path) for every run: changing either would
    # invalidate the whole shared cache.
    out, err, _ = api.run(
        ["--config-file", str(cache / "mypy.ini"), "--cache-dir", str(cache)]
        + [str(f) for f in files]
    )
    assert "INTERNAL ERROR" not in out + err, out + err
    return out.splitlines()


def _errors(lines: list[str], name: str) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for line in lines:
        match = _ERROR.match(line)
        if match and line.startswith(str(name)):
            found.add((int(match.group(1)), match.group(2)))
    return found


def _expected(source: str) -> set[tuple[int, str]]:
    return {
        (i, m.group(1))
        for i, line in enumerate(source.splitlines(), 1)
        if (m := _MARK.search(line))
    }


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module, so jax's own stubs are analysed only once."""
    cache = tmp_path_factory.mktemp("cache")
    _entry(cache)
    return cache


@pytest.fixture(scope="module")
def batch(
    tmp_path_factory: pytest.TempPathFactory, cache: Path
) -> tuple[Path, list[str]]:
    tmp = tmp_path_factory.mktemp("shapes")
    (tmp / "bad.py").write_text(_BAD)
    (tmp / "good.py").write_text(_GOOD)
    (tmp / "ending.py").write_text(_ENDING)
    (tmp / "switched.py").write_text(_SWITCHED)
    files = ["bad.py", "good.py", "ending.py", "switched.py"]
    out = _run([tmp / name for name in files], cache)
    return tmp, out


def test_every_marked_bug_is_reported(batch: tuple[Path, list[str]]) -> None:
    tmp, out = batch
    assert _errors(out, str(tmp / "bad.py")) == _expected(_BAD), "\n".join(out)


def test_names_strictness_can_be_switched_off(batch: tuple[Path, list[str]]) -> None:
    tmp, out = batch
    found = _errors(out, str(tmp / "switched.py"))
    assert found == _expected(_SWITCHED), "\n".join(out)


def test_module_ending_in_raise(batch: tuple[Path, list[str]]) -> None:
    tmp, out = batch
    assert _errors(out, str(tmp / "ending.py")) == _expected(_ENDING), "\n".join(out)


def test_correct_code_is_clean(batch: tuple[Path, list[str]]) -> None:
    tmp, out = batch
    assert not [line for line in out if line.startswith(str(tmp / "good.py"))]


def test_messages_name_parameter_expected_and_actual(
    batch: tuple[Path, list[str]],
) -> None:
    _, out = batch
    text = "\n".join(out)
    assert (
        'Argument "b" to "mm" has shape "2 3", expected "k m": dimension k is 2'
        ' here but 7 from argument "a"'
    ) in text
    assert 'Argument "x" to "want_int" has dtype Float, which cannot be Int' in text


def test_return_type_is_instantiated(tmp_path: Path, cache: Path) -> None:
    src = _PRELUDE + textwrap.dedent(
        """
        def mm(a: Float[Array, "n k"], b: Float[Array, "k m"]) -> Float[Array, "n m"]:
            return a @ b
        def last(x: Float[Array, "*b n"]) -> Float[Array, "*b"]:
            return x[..., 0]
        a: Float[Array, "2 3"] = jnp.zeros((2, 3))
        b: Float[Array, "3 7"] = jnp.zeros((3, 7))
        reveal_type(mm(a, b))
        def sym(x: Float[Array, "p q"], y: Float[Array, "q r"]) -> None:
            reveal_type(mm(x, y))
        def vb(x: Float[Array, "*batch 3"]) -> None:
            reveal_type(last(x))
        """
    )
    (tmp_path / "rev.py").write_text(src)
    out = "\n".join(_run([tmp_path / "rev.py"], cache))
    assert 'Revealed jaxtyping type is Float[Array, "2 7"]' in out
    assert 'Revealed jaxtyping type is Float[Array, "p r"]' in out
    assert 'Revealed jaxtyping type is Float[Array, "*batch"]' in out


def test_cold_and_warm_cache_agree(tmp_path: Path, cache: Path) -> None:
    lib = _PRELUDE + textwrap.dedent(
        """
        def mm(a: Float[Array, "n k"], b: Float[Array, "k m"]) -> Float[Array, "n m"]:
            return a @ b
        def want_int(x: Int[Array, "n"]) -> None: ...
        x23: Float[Array, "2 3"] = jnp.zeros((2, 3))
        class Lin(eqx.Module):
            weight: Float[Array, "o i"]
            bias: Float[Array, "o"]
        def single(x: Float[Array, "3"]) -> Float[Array, ""]:
            return x.sum()
        batched = jax.vmap(single)  # transformed: must stay unchecked
        """
    )
    use = textwrap.dedent(
        """
        import jax.numpy as jnp
        from jaxtyping import Array, Float
        from shapelib import Lin, batched, mm, want_int, x23
        y: Float[Array, "5 7"] = jnp.zeros((5, 7))
        mm(x23, y)  # E: jaxtyping-shape
        want_int(x23)  # E: jaxtyping-dtype
        z: Float[Array, "2 9"] = mm(x23, jnp.zeros((3, 9)))
        Lin(x23, jnp.zeros(2))
        b5: Float[Array, "5"] = jnp.zeros(5)
        Lin(x23, b5)  # E: jaxtyping-shape
        rows: Float[Array, "5 3"] = jnp.zeros((5, 3))
        sums: Float[Array, "5"] = batched(rows)
        """
    )
    (tmp_path / "shapelib.py").write_text(lib)
    (tmp_path / "use.py").write_text(use)
    files = [tmp_path / "shapelib.py", tmp_path / "use.py"]
    cold = _errors(_run(files, cache), str(tmp_path / "use.py"))
    # First run above was cold for both modules; now edit only the user, so
    # the library's types are read back from the cache.
    (tmp_path / "use.py").write_text(use + "\n# edited\n")
    warm = _errors(_run(files, cache), str(tmp_path / "use.py"))
    assert cold == _expected(use)
    assert warm == cold


def test_module_stale_through_a_dependency_keeps_its_checks(
    tmp_path: Path, cache: Path
) -> None:
    """A module whose own cache entry is valid but whose dependency changed is
    re-parsed without mypy asking plugins for its dependencies: the return and
    field-assignment checks must still run there."""
    dep = _PRELUDE + "def helper() -> int:\n    return 1\n"
    user = _PRELUDE + textwrap.dedent(
        """
        import shapedep
        def wrong(x: Float[Array, "3"]) -> Float[Array, "4"]:
            return x  # E: jaxtyping-shape
        class Norm(eqx.Module):
            gamma: Float[Array, "d"]
            def __init__(self, d: int) -> None:
                square: Float[Array, "d d"] = jnp.ones((d, d))
                self.gamma = square  # E: jaxtyping-shape
        """
    )
    (tmp_path / "shapedep.py").write_text(dep)
    (tmp_path / "shapeuser.py").write_text(user)
    files = [tmp_path / "shapedep.py", tmp_path / "shapeuser.py"]
    cold = _errors(_run(files, cache), str(tmp_path / "shapeuser.py"))
    # A new public name changes the dependency's interface: the user module
    # is re-checked although its own cache entry is still valid.
    (tmp_path / "shapedep.py").write_text(
        dep + "def another() -> str:\n    return ''\n"
    )
    warm = _errors(_run(files, cache), str(tmp_path / "shapeuser.py"))
    assert cold == _expected(user)
    assert warm == cold


def _unify_all(pairs: list[tuple[str, str]]) -> tuple[str | None, Memo]:
    memo = Memo()
    for expected, actual in pairs:
        reason = unify(parse_shape(expected), parse_shape(actual), memo, "x")
        if reason is not None:
            return reason, memo
    return None, memo


@pytest.mark.parametrize(
    ("pairs", "error"),
    [
        ([("n k", "2 3"), ("k m", "3 7")], None),
        ([("n k", "2 3"), ("k m", "4 7")], "dimension k is 4 here but 3"),
        ([("n", "a"), ("n", "b")], None),  # caller names never contradict
        ([("n", "3"), ("n", "a")], None),
        ([("#n", "1"), ("n", "5")], None),  # size 1 broadcasts
        ([("#n", "_"), ("n", "5")], None),
        ([("*b n", "2 3 4"), ("*b", "2 3")], None),
        ([("*b n", "2 3 4"), ("*b", "3 2")], "*b is (3 2) here but (2 3)"),
        ([("*b n", "2 3 4"), ("*b", "2")], "*b is (2) here"),
        ([("*b", "*x 3"), ("*b", "4")], None),  # unknown length: no claim
        ([("... 3", "*x 3")], None),
        ([("3 4", "*x 5")], "axis -1 has size 5, not 4"),
        ([("n", "*x 2 3")], "at least 2 dimensions, not 1"),
        ([("n", "3"), ("n+1", "4")], None),
        ([("n", "3"), ("n+1", "5")], "n+1 = 4"),
        ([("n+1", "5"), ("n", "3")], None),  # n unbound when n+1 is checked
        ([("a b", "3")], "1 dimensions, not 2"),
    ],
)
def test_unify(pairs: list[tuple[str, str]], error: str | None) -> None:
    reason, _ = _unify_all(pairs)
    if error is None:
        assert reason is None
    else:
        assert reason is not None and error in reason


def test_failed_unification_leaves_memo_unchanged() -> None:
    memo = Memo()
    assert unify(parse_shape("n"), parse_shape("3"), memo, "a") is None
    assert unify(parse_shape("m n"), parse_shape("7 4"), memo, "b") is not None
    assert memo.single == {"n": 3}


@pytest.mark.parametrize(
    ("bindings", "result", "shown"),
    [
        ([("n k", "2 3"), ("k m", "3 7")], "n m", "2 7"),
        ([("n k", "p q"), ("k m", "q r")], "n m", "p r"),
        ([("*b n", "*x 3")], "*b", "*x"),
        ([("*b n", "2 *x 3")], "*b n", "2 *x 3"),
        ([("n", "3")], "n+1 2*n m", "4 6 _"),
        ([("n", "3")], "*rest n", "... 3"),
    ],
)
def test_instantiate(bindings: list[tuple[str, str]], result: str, shown: str) -> None:
    reason, memo = _unify_all(bindings)
    assert reason is None
    assert format_shape(instantiate(parse_shape(result), memo)) == shown
