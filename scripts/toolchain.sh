# Sourced by scripts/run.sh and .ci/run: puts Node >= 22.13 and pnpm 10 first on PATH. A machine with an older
# Node (or none but Debian's) gets Node 24 and pnpm 10 from the npm registry, cached in ~/.cache/vinfer
# (VINFER_CACHE_DIR), so later runs skip the download.
VINFER_CACHE_DIR="${VINFER_CACHE_DIR:-$HOME/.cache/vinfer}"
export PONDER_TELEMETRY_DISABLED=true

vinfer_log() { printf '\n== %s\n' "$*" >&2; }

vinfer_node_is_recent() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 13) ? 0 : 1)'
}

if ! command -v npm >/dev/null 2>&1; then
  vinfer_log "installing Node.js and npm from Debian"
  apt-get update -qq && apt-get install -y -qq nodejs npm
fi

if ! vinfer_node_is_recent; then
  # Hardhat 3 needs Node >= 22.13; Node 24 comes from the npm registry as a package.
  if [ ! -x "$VINFER_CACHE_DIR/node24/node_modules/.bin/node" ]; then
    vinfer_log "bootstrapping Node 24 into $VINFER_CACHE_DIR/node24"
    mkdir -p "$VINFER_CACHE_DIR/node24"
    npm install --prefix "$VINFER_CACHE_DIR/node24" --no-save --no-audit --no-fund node@24 >&2
  fi
  export PATH="$VINFER_CACHE_DIR/node24/node_modules/.bin:$PATH"
fi

# pnpm runs under the Node above: under an older Node it would skip Hardhat's native EDR binding.
if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != 10.* ]]; then
  if [ ! -x "$VINFER_CACHE_DIR/pnpm10/node_modules/.bin/pnpm" ]; then
    vinfer_log "installing pnpm 10 into $VINFER_CACHE_DIR/pnpm10"
    mkdir -p "$VINFER_CACHE_DIR/pnpm10"
    npm install --prefix "$VINFER_CACHE_DIR/pnpm10" --no-save --no-audit --no-fund pnpm@10 >&2
  fi
  export PATH="$VINFER_CACHE_DIR/pnpm10/node_modules/.bin:$PATH"
fi

# The indexer's tests and benchmark run a real PostgreSQL server: Debian's package, installed when missing.
vinfer_need_postgres() {
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then return 0; fi
  vinfer_log "installing PostgreSQL from Debian (the indexer's tests run a real server)"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "PostgreSQL is missing and this user cannot install it: run 'apt-get install -y postgresql' as root" >&2
      return 1
    fi
  fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
}

# The explorer's browser tests drive a headless Chromium: Debian's package, installed when missing.
vinfer_need_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  vinfer_log "installing Chromium from Debian (the explorer's tests run in a headless browser)"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "Chromium is missing and this user cannot install it: run 'apt-get install -y chromium' as root" >&2
      return 1
    fi
  fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >&2 || {
    echo "could not install Chromium: run 'apt-get install -y chromium' as root" >&2
    return 1
  }
}
