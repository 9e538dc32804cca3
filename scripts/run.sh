#!/usr/bin/env bash
# One entry point that works on a fresh machine with only Node 20 and npm: bootstraps Node 24 and pnpm 10 when
# needed (scripts/toolchain.sh), installs the locked dependencies, builds, then runs `pnpm <command> [args]`.
#   bash scripts/run.sh demo    the local demo
#   bash scripts/run.sh test    every test
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
if [ $# -eq 0 ]; then
  echo "usage: bash scripts/run.sh <pnpm script> [args…]   (e.g. demo, test, bench:gas)" >&2
  exit 2
fi
case "$1" in
  test | test:mocha) vinfer_need_postgres; vinfer_need_chromium ;;
  bench:indexer) vinfer_need_postgres ;;
esac
vinfer_log "node $(node --version), pnpm $(pnpm --version): pnpm install --frozen-lockfile && pnpm build"
pnpm install --frozen-lockfile >&2
pnpm build >&2
exec pnpm "$@"
