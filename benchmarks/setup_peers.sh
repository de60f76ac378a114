#!/usr/bin/env bash
# Build the benchmark peers in a virtualenv OUTSIDE the repository (issue 6).
#
#   bash benchmarks/setup_peers.sh            # -> newsframe-bench-venv beside the checkout (override: BENCH_VENV=/path)
#   bash benchmarks/setup_peers.sh --check    # ... then check fastText against its CLI (~2 min)
#
# What it installs there:
#   - fastText 0.9.2 built from its source distribution (newer registry builds were seen
#     to train to NaN / near-chance accuracy from Python), with numpy < 2 (0.9.2's
#     predict calls np.array(..., copy=False), which numpy 2 rejects);
#   - the fastText CLI, compiled from the same sdist, as $BENCH_VENV/bin/fasttext
#     (check_fasttext.py compares the Python build against it);
#   - mlflow, and the scikit-learn version of the interpreter that runs newsframe
#     (python3 on PATH, or $MAIN_PYTHON), for the `mlflow models serve` peer;
#   - wrk from Debian's packages (load generator; skipped unless root with apt-get,
#     or with NO_WRK=1; loadgen.py falls back to a Python client without it).
# Not for CI: it builds C++ (~2 min on 2 cores) and downloads ~300 MB.
set -euo pipefail

VENV="${BENCH_VENV:-$(cd "$(dirname "$0")/../.." && pwd)/newsframe-bench-venv}"
PY="${BENCH_PYTHON:-python3}"
MAIN_PYTHON="${MAIN_PYTHON:-python3}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FASTTEXT_VERSION=0.9.2

case "$(realpath -m "$VENV")/" in
  "$(realpath "$HERE/..")"/*) echo "BENCH_VENV must be outside the repository" >&2; exit 2 ;;
esac

echo "== virtualenv $VENV ($($PY --version))"
"$PY" -m venv "$VENV"
PIP=("$VENV/bin/pip" install --disable-pip-version-check)
"${PIP[@]}" -q -U pip setuptools wheel
"${PIP[@]}" -q 'numpy<2' pybind11

echo "== fastText $FASTTEXT_VERSION from its source distribution"
"${PIP[@]}" --no-binary fasttext --no-build-isolation "fasttext==$FASTTEXT_VERSION"

echo "== fastText CLI from the same sdist"
SRC="$(mktemp -d)"
trap 'rm -rf "$SRC"' EXIT
"$VENV/bin/pip" download -q --disable-pip-version-check --no-deps --no-binary :all: --no-build-isolation \
  -d "$SRC" "fasttext==$FASTTEXT_VERSION"
tar -xzf "$SRC/fasttext-$FASTTEXT_VERSION.tar.gz" -C "$SRC"
g++ -std=c++11 -O3 -funroll-loops -DNDEBUG -pthread "$SRC/fasttext-$FASTTEXT_VERSION"/src/*.cc \
  -o "$VENV/bin/fasttext"

echo "== mlflow + scikit-learn (same version as $MAIN_PYTHON's)"
SKV="$("$MAIN_PYTHON" -c 'import sklearn; print(sklearn.__version__)' 2>/dev/null || true)"
"${PIP[@]}" -q 'numpy<2' ${SKV:+"scikit-learn==$SKV"} pandas mlflow
"$VENV/bin/python" -c 'import fasttext, mlflow, sklearn, numpy; print("fasttext ok; mlflow", mlflow.__version__, "sklearn", sklearn.__version__, "numpy", numpy.__version__)'

if [ -z "${NO_WRK:-}" ] && ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== wrk (Debian package)"
    apt-get update -qq && apt-get install -y -qq wrk || echo "wrk not installed: loadgen.py will use its Python client" >&2
  else
    echo "wrk not installed (needs root + apt-get): loadgen.py will use its Python client" >&2
  fi
fi

if [ "${1:-}" = "--check" ]; then
  echo "== fastText Python build vs CLI on AG News"
  "$VENV/bin/python" "$HERE/check_fasttext.py"
fi
echo "== done: $VENV"
