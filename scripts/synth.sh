#!/usr/bin/env bash
# Synthesizes the platform with every check, offline, then writes the evidence report.
# Extra arguments go to `cdk synth`, e.g. `npm run synth -- -c config=my-platform.json`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK_HOME="${CDK_HOME:-$PWD/.cdk-home}"
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=1
rm -rf cdk.out
npx cdk synth --no-lookups --quiet "$@"
npx tsx bin/write-evidence.ts cdk.out
