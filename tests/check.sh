#!/usr/bin/env bash
# Every gate, in the order a failure is cheapest to find. Run from the repo root
# after installing with `.venv/bin/pip install -e '.[dev]'`.
#
# Each stage prints its command when it starts and its time when it ends, and a
# timing summary closes the run (also when a stage fails). mypy and the two
# pyright stages run side by side (each is mostly one core); pytest's corpus
# test then reuses mypy's cache instead of analysing the same files again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

MYPY_CACHE="$PWD/.mypy_cache/check"
export EQX_CORPUS_MYPY_CACHE="$MYPY_CACHE"
LOGS="$(mktemp -d "${TMPDIR:-/tmp}/eqx-check.XXXXXX")"
TIMINGS=()
FAILED=""

summary() {
    echo "== timings"
    for line in "${TIMINGS[@]}"; do echo "   $line"; done
    printf '   %-34s %5ds\n' total "$SECONDS"
    if [ -n "$FAILED" ]; then echo "== FAILED: $FAILED"; fi
    rm -rf "$LOGS"
}
trap summary EXIT

# stage NAME COMMAND...: run in the foreground, output as it comes.
stage() {
    local name=$1 start=$SECONDS status=0
    shift
    echo "== $name: $*"
    "$@" || status=$?
    TIMINGS+=("$(printf '%-34s %5ds%s' "$name" $((SECONDS - start)) "$([ $status -eq 0 ] || echo '  FAILED')")")
    echo "== $name: $([ $status -eq 0 ] && echo ok || echo "FAILED (exit $status)") in $((SECONDS - start))s"
    if [ $status -ne 0 ]; then FAILED="$name"; exit $status; fi
}

# background NAME COMMAND...: start now, output kept until `finish NAME`.
declare -A PIDS STARTS
background() {
    local name=$1
    shift
    echo "== $name: started: $*"
    STARTS[$name]=$SECONDS
    # The subshell's SECONDS runs on from ours: it records when it ended.
    (
        status=0
        "$@" >"$LOGS/$name.log" 2>&1 || status=$?
        echo "$status $SECONDS" >"$LOGS/$name.status"
    ) &
    PIDS[$name]=$!
}

finish() {
    local name=$1 status ended
    wait "${PIDS[$name]}" || true
    read -r status ended <"$LOGS/$name.status" || { status=99 ended=$SECONDS; }
    echo "== $name: output"
    cat "$LOGS/$name.log"
    local took=$((ended - STARTS[$name]))
    TIMINGS+=("$(printf '%-34s %5ds%s' "$name" "$took" "$([ "$status" -eq 0 ] || echo '  FAILED')")")
    echo "== $name: $([ "$status" -eq 0 ] && echo ok || echo "FAILED (exit $status)") by ${took}s"
    if [ "$status" -ne 0 ] && [ -z "$FAILED" ]; then FAILED="$name"; fi
}

stage "ruff check" ruff check .
stage "ruff format --check" ruff format --check .

# Plugin bugs must crash here, not be swallowed: the corpus test reads this
# cache and would otherwise trust a file checked by a failing hook.
background "mypy --strict" env EQX_MYPY_PLUGIN_DEBUG=1 \
    mypy --strict --cache-dir "$MYPY_CACHE" \
    equinox tests typecheck/pass typecheck/reveal examples benchmarks
background "pyright strict + --verifytypes + examples" sh -c \
    'pyright && pyright --verifytypes equinox --ignoreexternal && pyright -p examples'
finish "pyright strict + --verifytypes + examples"
finish "mypy --strict"
if [ -n "$FAILED" ]; then exit 1; fi

stage "pytest" python -m pytest

# The newest JAX needs Python >= 3.12: the run-time suite once more there.
stage "pytest on the newest JAX (Python 3.12)" bash tests/newest_jax.sh
