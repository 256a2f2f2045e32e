# Sourced by the README commands: a private, quiet, offline toolchain environment.
# shellcheck shell=bash
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export ROOT

# pip keeps its usual shared download cache; everything jsii/CDK writes stays in the repo.
export PIP_CACHE_DIR="${PIP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pip}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
# jsii unpacks ~200 MB of JavaScript on first use; two processes filling one shared cache
# break each other, so the cache is ours alone (and filled once, under a lock, by setup.sh).
export JSII_RUNTIME_PACKAGE_CACHE_ROOT="$ROOT/.cache/jsii"
export XDG_CACHE_HOME="$ROOT/.cache/xdg"
export CDK_HOME="$ROOT/.cache/cdk-home"
# Node 20 is end-of-life for jsii; the banner it prints on every import is noise here.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
# No notices, telemetry or version nags from the CDK CLI; nothing here needs AWS credentials.
export CDK_DISABLE_VERSION_CHECK=1
export CDK_DISABLE_CLI_TELEMETRY=true
export CDK_CLI_NOTICES=false
export PATH="$ROOT/.venv/bin:$ROOT/node_modules/.bin:$PATH"
