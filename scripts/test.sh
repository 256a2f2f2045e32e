#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite: lint, types, tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"
start=$SECONDS
echo "== ruff";   ruff check . && ruff format --check .
echo "== mypy";   mypy
echo "== pytest"; JSII_DEPRECATED=fail pytest -q "$@"
echo "== all checks passed in $((SECONDS - start)) s"
