#!/usr/bin/env bash
# `npm run cli` builds only when a source is newer than the CLI's build, and never on stdout, so
# that `X=$(npm run -s cli -- token …)` captures the CLI's answer alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
stamp=dist/apps/cli/src/main.js
if [ ! -f "$stamp" ] || [ -n "$(find apps libs bench package.json package-lock.json tsconfig.json tsconfig.build.json -newer "$stamp" -type f -not -path '*/node_modules/*' -print -quit)" ]; then
  npm run -s build 1>&2
fi
