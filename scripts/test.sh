#!/usr/bin/env bash
# The one test command (README, .ci/run): lint, layering, typecheck of every target, then every test
# (unit, integration against real redis-server and the emulators, browser end-to-end in Chromium).
# Each integration test starts its own redis-server (test/support/redis-server.ts), so nothing here
# depends on a Redis the machine happens to run.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tests need Debian's redis-server and chromium: install them when missing (as root, as on CI).
need=()
command -v redis-server >/dev/null || need+=(redis-server)
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "missing ${need[*]}: run 'sudo apt-get install -y ${need[*]}' first"; exit 1; fi
  echo "== installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== lint (biome) and the import rule (rooms, packages, no cycles)"
npx biome check .
node scripts/check-layering.mjs

echo "== typecheck (every target)"
bash scripts/typecheck.sh

echo "== build the agent web UI (served by the coordinator, used by the e2e tests)"
if [ -f vite.config.ts ]; then npx vite build --logLevel warn; fi

echo "== tests"
npx vitest run "$@"
