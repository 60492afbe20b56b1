#!/usr/bin/env bash
# Typechecks every target with its own config (tsconfig.json is references-only): the per-target configs are
# what keep src-shared free of Node/DOM types and the renderer free of Node and Electron.
set -euo pipefail
cd "$(dirname "$0")/.."
for cfg in tsconfig.shared.json tsconfig.server.json tsconfig.node.json tsconfig.web.json tsconfig.test.json; do
  echo "-- $cfg"
  npx tsc -p "$cfg"
done
