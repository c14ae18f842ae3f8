#!/usr/bin/env bash
# Starts the app for the end-to-end tests on its own data: a fresh embedded store (and a
# fresh PGlite unless DATABASE_URL points at a throwaway PostgreSQL database), KMNIST
# imported, three quick models trained, a production build (unless E2E_REBUILD=false and one
# exists), a real slapd for sign-in, then the production server (server.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
export DATA_DIR="${E2E_DATA_DIR:-.data/e2e}"
export TRAIN_ON_START=false
export TRAIN_SCHEDULE=off
export BENCHMARK_SCHEDULE=off
export MONITORING_SCHEDULE=off
export LOG_LEVEL=warn
# The data trigger and what it trains, sized for the e2e walk (e2e/retraining.spec.ts): 100 new
# training records request a run that trains a quick logistic regression.
export RETRAIN_MIN_NEW_RECORDS=100
export PIPELINE_ALGORITHMS=logreg
export PIPELINE_HYPERPARAMETERS='{"logreg":{"epochs":3}}'
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

# Sign-in goes through a real directory (e2e/ldap-server.ts: alice is an admin, bob is not).
mkdir -p "$DATA_DIR"
node --import tsx e2e/ldap-server.ts > "$DATA_DIR/ldap.log" 2>&1 &
ldap_pid=$!
trap 'kill "$ldap_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "ldap ready" "$DATA_DIR/ldap.log" && break; sleep 0.2; done
ldap_url="$(sed -n 's/^ldap ready //p' "$DATA_DIR/ldap.log")"
[ -n "$ldap_url" ] || { cat "$DATA_DIR/ldap.log"; echo "e2e: slapd did not start" >&2; exit 1; }
export LDAP_URL="$ldap_url"
export LDAP_BASE_DN="ou=people,dc=kana,dc=test"
export LDAP_BIND_DN="cn=kana-search,dc=kana,dc=test"
export LDAP_BIND_PASSWORD="search-pw"
export LDAP_USER_FILTER="(&(objectClass=inetOrgPerson)(uid={username}))"
export LDAP_ADMIN_GROUP_DN="cn=kana-admins,ou=groups,dc=kana,dc=test"

PORT="${E2E_PORT:-3100}" node --import tsx server.ts &
next_pid=$!
trap 'kill "$next_pid" "$ldap_pid" 2>/dev/null || true' EXIT INT TERM
wait "$next_pid"
