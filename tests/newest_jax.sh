#!/usr/bin/env bash
# The run-time suite once more on the newest JAX, which needs Python >= 3.12
# (the main venv is Python 3.11). The static-analysis, install, docs, examples
# and ecosystem tests ran in the main stage; this one checks the library's
# behaviour on the newest JAX. Fails when no Python 3.12 can be found.
set -euo pipefail
cd "$(dirname "$0")/.."

py=""
for v in 3.12 3.13; do
    for cand in "$(pyenv root 2>/dev/null)"/versions/"$v"*/bin/python "$(command -v "python$v" || true)"; do
        if [ -x "$cand" ] && "$cand" -c 'import sys' 2>/dev/null; then py=$cand; break 2; fi
    done
done
if [ -z "$py" ]; then
    echo "no Python >= 3.12 found: cannot test the newest JAX" >&2
    exit 1
fi
venv="${TMPDIR:-/tmp}/eqx-newest-jax"
rm -rf "$venv"
"$py" -m venv "$venv"
"$venv/bin/pip" install -q --upgrade jax jaxlib 2>&1 | { grep -v '^WARNING: Location' || true; }
"$venv/bin/pip" install -q '.' pytest hypothesis optax scikit-learn mypy 2>&1 | { grep -v '^WARNING: Location' || true; }
"$venv/bin/python" -c 'import sys, jax; print("Python", sys.version.split()[0], "jax", jax.__version__)'
# Run from outside the checkout, so `import equinox` is the installed package.
cd "$venv" && "$venv/bin/python" -m pytest -p no:cacheprovider "$OLDPWD/tests" \
    --ignore="$OLDPWD/tests/compat" --ignore="$OLDPWD/tests/test_docs.py" \
    --ignore="$OLDPWD/tests/test_install_layouts.py" \
    --ignore="$OLDPWD/tests/test_typecheck_cli.py" \
    --ignore="$OLDPWD/tests/test_typecheck_corpus.py" \
    --ignore="$OLDPWD/tests/test_mypy_plugin.py" \
    --ignore="$OLDPWD/tests/test_mypy_plugin_cache.py" \
    --ignore="$OLDPWD/tests/test_mypy_shapes.py" \
    --ignore="$OLDPWD/tests/test_mypy_shapes_rules.py" \
    --ignore="$OLDPWD/tests/test_examples.py" \
    --ignore="$OLDPWD/tests/test_language_servers.py" \
    --ignore="$OLDPWD/tests/test_ci_snippet.py"
