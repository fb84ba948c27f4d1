#!/usr/bin/env bash
# Runs every package's tests (one package at a time: the machine has 2 cores and the suites spawn sandboxes),
# then prints one summary line over all of them, whether they passed or not.
set -uo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
find packages plugins test-e2e -maxdepth 2 -name test-results.json -not -path '*/node_modules/*' -delete
pnpm exec turbo run test --concurrency=1 --continue "$@"
status=$?
node scripts/test-summary.mjs || status=1
exit $status
