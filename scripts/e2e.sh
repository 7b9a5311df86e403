#!/usr/bin/env bash
# End-to-end tests: the built app (target/debug/mixwell-app, from `make app`) driven through
# tauri-driver and WebKitWebDriver, in a virtual X display with its own D-Bus session and
# an unlocked gnome-keyring (the database key is kept there, as on a desktop).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x target/debug/mixwell-app ]; then
  echo "target/debug/mixwell-app is missing: run 'make app' first" >&2
  exit 1
fi
for tool in tauri-driver WebKitWebDriver xvfb-run; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run 'make deps deps-driver'" >&2; exit 1; }
done

rm -rf tests/e2e/artifacts
# WebKit's sandbox needs user namespaces, which containers often lack.
export WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1
export NO_AT_BRIDGE=1
exec xvfb-run -a -s "-screen 0 1366x768x24" scripts/with-keyring.sh \
  node --test --test-concurrency=1 --test-reporter=spec tests/e2e/*.e2e.mjs
