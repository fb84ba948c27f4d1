#!/usr/bin/env bash
# Puts the CLI's commands (`agentkernel`, and every other bin of @agentkernel/cli such as
# `agentkernel-bridge`) on the PATH as launchers of this checkout's build. They start the CLI through the
# root node_modules/@agentkernel/cli, beside every plugin of the repository, so discovery finds all of them
# from any folder (DESIGN section 4: plugins installed beside the CLI). In /usr/local/bin as root, else in
# ~/.local/bin, or in $AGENTKERNEL_BIN_DIR. Run it after `pnpm install && pnpm build`; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

bin_dir=${AGENTKERNEL_BIN_DIR:-}
if [ -z "$bin_dir" ]; then
  bin_dir=/usr/local/bin
  [ "$(id -u)" -eq 0 ] || bin_dir="$HOME/.local/bin"
fi
mkdir -p "$bin_dir"
cli="$PWD/node_modules/@agentkernel/cli"
[ -f "$cli/package.json" ] || { echo "install-bin: $cli is missing: run pnpm install first" >&2; exit 1; }

node -e '
  const bin = require(process.argv[1]).bin;
  for (const [name, file] of Object.entries(typeof bin === "string" ? { agentkernel: bin } : bin))
    console.log(`${name}\t${file}`);
' "$cli/package.json" | while IFS=$'\t' read -r name file; do
  target="$cli/${file#./}"
  [ -f "$target" ] || echo "install-bin: $target is not built yet: run pnpm build" >&2
  printf '#!/bin/sh\nexec node %q "$@"\n' "$target" > "$bin_dir/$name"
  chmod 755 "$bin_dir/$name"
  echo "install-bin: $bin_dir/$name"
done

case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "install-bin: add $bin_dir to your PATH to run agentkernel from anywhere" ;;
esac
