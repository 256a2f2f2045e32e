#!/usr/bin/env bash
# Idempotent setup: virtualenv with best-lambda and its dev tools, the aws-cdk CLI from npm
# (local to the repo, never global), and a warm private jsii cache. Re-running is cheap.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "best-lambda needs Python >= 3.11 ($PY is $("$PY" --version 2>&1)); set PYTHON=python3.11" >&2
  exit 1
fi
mkdir -p "$ROOT/.cache"

if [ ! -x "$ROOT/.venv/bin/python" ]; then
  echo "setup: creating .venv"
  "$PY" -m venv "$ROOT/.venv"
fi
want_py="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
if [ "$(cat "$ROOT/.venv/.stamp-pip" 2>/dev/null)" != "$want_py" ]; then
  echo "setup: installing best-lambda[dev] into .venv"
  "$ROOT/.venv/bin/python" -m pip install --quiet --upgrade pip
  "$ROOT/.venv/bin/python" -m pip install --quiet -e "$ROOT[dev]"
  echo "$want_py" > "$ROOT/.venv/.stamp-pip"
fi

want_js="$(cat "$ROOT/package.json" "$ROOT/package-lock.json" | sha256sum | cut -c1-16)"
if [ "$(cat "$ROOT/node_modules/.stamp-npm" 2>/dev/null)" != "$want_js" ]; then
  echo "setup: installing the aws-cdk CLI into node_modules"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
  echo "$want_js" > "$ROOT/node_modules/.stamp-npm"
fi

# Fill the jsii cache once, under a lock, so concurrent runs only ever read it.
warm() { "$ROOT/.venv/bin/python" -c 'import aws_cdk, cdk_nag' ; }
if command -v flock >/dev/null 2>&1; then
  ( flock 9; warm ) 9>"$ROOT/.cache/jsii.lock"
else
  warm
fi
