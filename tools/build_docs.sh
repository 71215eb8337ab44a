#!/usr/bin/env bash
# Build the documentation site offline into docs/_build/html (open index.html).
# Needs the docs extra: pip install ".[docs]". Warnings are errors, as in CI.
# fastml is imported from src/ when the in-place build (tools/dev-build.sh) is
# there, else the installed package; extra arguments go to sphinx-build
# (e.g. -E for a clean rebuild, -j auto for parallel reading).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python -m sphinx -W --keep-going -b html "$@" docs docs/_build/html
