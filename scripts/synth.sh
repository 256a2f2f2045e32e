#!/usr/bin/env bash
# Sets everything up, then runs the main job: `cdk synth` of app.py with every check on
# (CloudFormation validation, cdk-nag AwsSolutions + Serverless, BestLambda), then a summary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
# shellcheck source=scripts/env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"
start=$SECONDS
status=0
cdk synth --quiet --no-notices "$@" || status=$?
python scripts/synth_summary.py cdk.out --seconds "$((SECONDS - start))" --status "$status"
exit "$status"
