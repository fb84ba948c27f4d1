#!/usr/bin/env bash
# The main job on the embedded `local` backend, on a fresh machine: install and build, then create a
# sandbox, run commands in it, copy a file in and out, and remove it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${QUICKSTART_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh

# setup.sh put the launchers in $AGENTKERNEL_BIN_DIR, else /usr/local/bin as root, else ~/.local/bin
# (scripts/install-bin.sh).
bin_dir=${AGENTKERNEL_BIN_DIR:-/usr/local/bin}
[ -n "${AGENTKERNEL_BIN_DIR:-}" ] || [ "$(id -u)" -eq 0 ] || bin_dir="$HOME/.local/bin"
[ "${QUICKSTART_SKIP_SETUP:-}" != 1 ] || bash scripts/install-bin.sh

ak() { "$bin_dir/agentkernel" "$@"; }
name=quickstart
work=$(mktemp -d)
trap 'ak sandbox remove "$name" --force >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo
echo "== agentkernel sandbox create $name"
ak sandbox create "$name"
echo "== agentkernel exec $name -- sh -c 'uname -sr; id -un; pwd'"
ak exec "$name" -- sh -c 'uname -sr; id -un; pwd'
echo "hello from the host" > "$work/greeting.txt"
echo "== agentkernel sandbox cp greeting.txt $name:/workspace/greeting.txt"
ak sandbox cp "$work/greeting.txt" "$name:/workspace/greeting.txt"
echo "== agentkernel exec $name -- sh -c 'tr a-z A-Z < greeting.txt > shout.txt'"
ak exec "$name" -- sh -c 'tr a-z A-Z < greeting.txt > shout.txt'
ak sandbox cp "$name:/workspace/shout.txt" "$work/shout.txt"
echo "== copied back: $(cat "$work/shout.txt")"
echo "== agentkernel exec $name -- sh -c 'exit 7'   (exec exits with the command's own code)"
set +e
ak exec "$name" -- sh -c 'exit 7'
code=$?
set -e
echo "exit code: $code"
echo "== agentkernel sandbox list"
ak sandbox list
echo "== agentkernel sandbox remove $name"
ak sandbox remove "$name"
trap 'rm -rf "$work"' EXIT
echo
echo "Done. agentkernel is installed as $bin_dir/agentkernel; try: agentkernel --help"
