#!/usr/bin/env bash
# Installs what the end-to-end tests and `npm run demo` need on a fresh machine:
#   - Debian packages: chromium (the browser Playwright drives), ripgrep (VS Code's search binary,
#     which code-server would otherwise download from GitHub), libkrb5-dev (a native module's headers);
#   - a real VS Code: code-server 4.100.3 (VS Code 1.100, the last release that runs on Node 20),
#     from the npm registry, into $1 (default .vscode-test/code-server).
# Only the npm registry and Debian's packages are used. Re-running on a finished folder is a no-op.
#
# Why the manual steps: code-server's postinstall downloads ripgrep from GitHub and needs Kerberos
# headers to compile a native module. So we install without scripts, put Debian's ripgrep where
# @vscode/ripgrep expects it, and rebuild the native modules ourselves.
set -euo pipefail
CODE_SERVER_VERSION=4.100.3
DIR=${1:-.vscode-test/code-server}
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
CS="$DIR/node_modules/code-server"

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
need=()
for p in libkrb5-dev ripgrep chromium; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -f "$DIR/.done" ] && [ "$(cat "$DIR/.done")" = "$CODE_SERVER_VERSION" ]; then
  echo "setup: code-server $CODE_SERVER_VERSION already installed in $DIR"; exit 0
fi

echo "setup: installing code-server $CODE_SERVER_VERSION into $DIR (about 3 minutes)"
cd "$DIR"
[ -f package.json ] || echo '{"private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --loglevel=error "code-server@$CODE_SERVER_VERSION"
npm rebuild argon2 --loglevel=error          # code-server's own native module (built from source)
cd "$CS/lib/vscode"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# node-pty's post-install step only writes compile_commands.json and fails offline; the module itself builds.
npm rebuild --foreground-scripts >"$DIR/rebuild.log" 2>&1 || true
for m in node-pty @vscode/spdlog native-watchdog kerberos; do
  find "node_modules/$m" -name '*.node' -path '*Release*' | grep -q . \
    || { echo "setup: native module $m did not build; see $DIR/rebuild.log" >&2; exit 1; }
done
(cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "$CODE_SERVER_VERSION" > "$DIR/.done"
echo "setup: code-server installed in $DIR"
