#!/usr/bin/env bash
# Starts the app for the end-to-end tests on its own data: a fresh embedded store (and a
# fresh PGlite unless DATABASE_URL points at a throwaway PostgreSQL database), KMNIST
# imported, three quick models trained, a production build, then `next start`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATA_DIR="${E2E_DATA_DIR:-.data/e2e}"
export TRAIN_ON_START=false
export TRAIN_SCHEDULE=off
export BENCHMARK_SCHEDULE=off
export MONITORING_SCHEDULE=off
export LOG_LEVEL=warn
# The local admin the admin spec signs in as (no LDAP in the e2e server).
export ADMIN_PASSWORD="${E2E_ADMIN_PASSWORD:-e2e-admin-password}"
rm -rf "$DATA_DIR"
node node_modules/tsx/dist/cli.mjs lib/cli/train.ts --algorithm logreg --set epochs=3
node node_modules/tsx/dist/cli.mjs lib/cli/train.ts --algorithm tree --set maxDepth=10
# A small CNN without dropout or augmentation: deterministic (~95% holdout, ~80 s), the champion.
node node_modules/tsx/dist/cli.mjs lib/cli/train.ts --algorithm cnn --set epochs=4 --set filters=16 --set dropout=0 --set augment=false
# Benchmarks and explanations of the three models, so the dashboards have real figures.
node node_modules/tsx/dist/cli.mjs lib/cli/benchmark.ts
if [ ! -f .next/BUILD_ID ] || [ "${E2E_REBUILD:-true}" = "true" ]; then
  node node_modules/next/dist/bin/next build
fi
exec node node_modules/next/dist/bin/next start -p "${E2E_PORT:-3100}"
