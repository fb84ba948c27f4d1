#!/usr/bin/env bash
# The main job on the embedded `local` backend, on a fresh machine: install and build, then create a
# sandbox, run commands in it, copy a file in and out, and remove it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${QUICKSTART_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh

# Puts `agentkernel` on the PATH: a launcher of this checkout's built CLI, in /usr/local/bin as root, else
# in ~/.local/bin.
bin_dir=/usr/local/bin
[ "$(id -u)" -eq 0 ] || bin_dir="$HOME/.local/bin"
mkdir -p "$bin_dir"
printf '#!/bin/sh\nexec node %q "$@"\n' "$PWD/packages/cli/dist/bin.js" > "$bin_dir/agentkernel"
chmod 755 "$bin_dir/agentkernel"
printf '#!/bin/sh\nexec node %q "$@"\n' "$PWD/packages/cli/dist/bridge/bin.js" > "$bin_dir/agentkernel-bridge" && chmod 755 "$bin_dir/agentkernel-bridge"
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "quickstart: add $bin_dir to your PATH to run agentkernel from anywhere" ;;
esac

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
