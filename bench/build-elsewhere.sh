#!/usr/bin/env bash
# Builds the server (not the console) of a tree into a directory of its own, for
# bench/http.bench.ts (BENCH_DIST, BENCH_BASE_DIST), without touching the shared dist/.
#   bash bench/build-elsewhere.sh OUT_DIR            this tree, into OUT_DIR
#   bash bench/build-elsewhere.sh OUT_DIR COMMIT     a worktree of COMMIT at OUT_DIR.src, built
#                                                    into OUT_DIR (the baseline of a change)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"
src="$root"
if [ -n "${2:-}" ]; then
  src="$out.src"
  [ -d "$src" ] || git -C "$root" worktree add --detach "$src" "$2" >/dev/null
  # the same packages: a benchmark's baseline differs in its code, not its dependencies
  ln -sfn "$root/node_modules" "$src/node_modules"
fi
cd "$src"
rm -rf "$out"
npx tsc -p tsconfig.build.json --outDir "$out" || true # type errors elsewhere still emit
npx tsc-alias -p tsconfig.build.json --outDir "$out"
ln -sfn "$root/node_modules" "$out/node_modules"
test -f "$out/apps/api/src/main.js" || { echo "no build in $out" >&2; exit 1; }
echo "built $(git -C "$src" rev-parse --short HEAD) into $out"
