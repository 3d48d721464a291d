#!/usr/bin/env bash
# The static gate: lint and format (ruff), types (mypy, strict on utils/), the helpers and the Colab
# set-up against the standard library of the newer Pythons the tutorial has no machine for (Colab
# runs 3.13 and will move on; mypy knows each version's standard library, removed modules
# included), and the GitHub workflows against GitHub's published schema (check-jsonschema's
# bundled copy, so it works offline).
# Configuration: pyproject.toml. Run from anywhere, with the tools of .venv (requirements-dev.txt):
#   bash tools/check_static.sh
# The same gate runs in .ci/run, in the GitHub workflow and as the pre-commit hook.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
"$bin/ruff" check .
"$bin/ruff" format --check .
"$bin/mypy"
for version in 3.13 3.14; do
  "$bin/mypy" --python-version "$version" --no-error-summary
  "$bin/mypy" --python-version "$version" --no-error-summary tools/colab_setup.py
done
"$bin/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml
