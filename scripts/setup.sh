#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian/Ubuntu machine with Node >= 20.19: bubblewrap (the local
# backend's isolation), passt (pasta: the network of a local sandbox), util-linux (nsenter and setpriv,
# which join a running sandbox), pnpm 10, the workspace's dependencies and a build, then puts `agentkernel`
# (with every plugin of the repository) on the PATH (scripts/install-bin.sh). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v dash >/dev/null 2>&1 || missing+=(dash)
command -v busybox >/dev/null 2>&1 || missing+=(busybox)
command -v pasta >/dev/null 2>&1 || missing+=(passt)
{ command -v nsenter && command -v setpriv; } >/dev/null 2>&1 || missing+=(util-linux)
# The completion tests run the scripts of `agentkernel completion` in real zsh and fish.
command -v zsh >/dev/null 2>&1 || missing+=(zsh)
command -v fish >/dev/null 2>&1 || missing+=(fish)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The version must match package.json's packageManager, or pnpm tries to switch versions.
pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  echo "setup: installing pnpm@$pnpm_version"
  npm install -g --no-fund --no-audit "pnpm@$pnpm_version" >/dev/null
fi

pnpm install --frozen-lockfile
pnpm build
bash scripts/install-bin.sh
