#!/usr/bin/env bash
# Runs a command in a D-Bus session of its own with an unlocked gnome-keyring serving the
# Secret Service, as on a desktop: the app and the CLI keep the database key there. The
# keyring lives in a throwaway folder and ends with the session; the developer's own
# keychain is never reached.
set -euo pipefail

if [ -z "${MIXWELL_KEYRING_SESSION:-}" ]; then
  for tool in dbus-run-session gnome-keyring-daemon dbus-send; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: run 'make deps'" >&2; exit 1; }
  done
  export MIXWELL_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi

keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
printf 'throwaway test keyring' | HOME="$keyring_home" XDG_DATA_HOME="$keyring_home" \
  gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
# Serving once its name is on the bus: at most 100 looks, 50 ms apart.
for _ in $(seq 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
      | grep -q "boolean true"; then
    status=0
    "$@" || status=$?
    exit "$status"
  fi
  sleep 0.05
done
echo "gnome-keyring-daemon did not start" >&2
exit 1
