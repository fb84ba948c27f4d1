#!/usr/bin/env node
import {
  bridgeFailure,
  parseBridgeRequest,
  type BridgeRequest,
  type BridgeResponse,
} from '@agentkernel/core';
import { drained } from '../output/io.js';
import { cliVersion } from '../version.js';
import { runBridge } from './run.js';

const USAGE = `usage: agentkernel-bridge <provider> <base64-request>

A drop-in for the bridge agentkernel's own CLI spawns for remote sandboxes: it serves each request
through the agentkernel-remote plugin named <provider> (e2b, daytona, modal, runloop, local, or any
installed agentkernel-backend-<name>), and prints exactly one JSON line (exit 0 when "success" is
true, else 1). "attach" runs an interactive shell on this terminal and exits with its code.

Point agentkernel at it in agentkernel.toml:
  [remote]
  bridge = "agentkernel-bridge"

State: $AGENTKERNEL_HOME/bridge (default ~/.local/share/agentkernel/bridge).
`;

for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

const argv = process.argv.slice(2);

async function finish(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
  (argv.length === 0 ? process.stderr : process.stdout).write(USAGE);
  await finish(argv.length === 0 ? 1 : 0);
}
if (argv[0] === '--version') {
  process.stdout.write(`${cliVersion()}\n`);
  await finish(0);
}

// stdout carries one JSON line and nothing else: whatever a plugin or SDK prints goes to stderr.
const writeStdout = process.stdout.write.bind(process.stdout);
const parsed = parseBridgeRequest(argv[1] ?? '');
if (!parsed.ok || parsed.request.operation !== 'attach')
  process.stdout.write = process.stderr.write.bind(process.stderr);

function respond(response: BridgeResponse): Promise<never> {
  writeStdout(`${JSON.stringify(response)}\n`);
  return finish(response.success ? 0 : 1);
}

const [provider, encoded, ...extra] = argv as [string, ...string[]];
if (encoded === undefined) await respond(bridgeFailure(`missing the request: ${USAGE.split('\n')[0] ?? ''}`));
if (extra.length > 0)
  await respond(bridgeFailure(`expected 2 arguments (<provider> <base64-request>), got ${argv.length}`));

if (!parsed.ok) await respond(bridgeFailure(parsed.error));

try {
  process.loadEnvFile?.();
} catch {
  // No .env in the working folder (or an unreadable one): agentkernel's bridge ignores it too.
}

const outcome = await runBridge(provider, (parsed as { request: BridgeRequest }).request, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
if ('exitCode' in outcome) await finish(outcome.exitCode);
else await respond(outcome.response);
