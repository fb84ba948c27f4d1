// Spawns the built `agentkernel` binary as a user would, each test with its own AGENTKERNEL_HOME.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const CLI_BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

if (!existsSync(CLI_BIN))
  throw new Error(`${CLI_BIN} is missing: build first (pnpm build, or turbo's test task does it)`);

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Buffer;
  readonly stderrBytes: Buffer;
}

export interface CliOptions {
  readonly home: string;
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
  readonly input?: string | Buffer;
  readonly timeoutMs?: number;
  /**
   * Reads stdout and stderr as a slow consumer would (`| (sleep 2; wc -c)`): nothing for `startAfterMs`,
   * then one chunk every `pauseMs`, so the pipes fill up and the CLI has to wait for them.
   */
  readonly slowReader?: { readonly startAfterMs: number; readonly pauseMs: number };
  /** Closes the reading end of stdout after this many bytes, as `| head -c N` does. */
  readonly closeStdoutAfterBytes?: number;
}

function readSlowly(stream: NodeJS.ReadableStream, into: Buffer[], reader: CliOptions['slowReader']): void {
  stream.on('data', (chunk: Buffer) => {
    into.push(chunk);
    if (reader === undefined) return;
    stream.pause();
    setTimeout(() => stream.resume(), reader.pauseMs);
  });
  if (reader === undefined) return;
  stream.pause();
  setTimeout(() => stream.resume(), reader.startAfterMs);
}

/** Runs `agentkernel ...args` to completion. The environment is the test's, minus colour and provider keys. */
export function agentkernel(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    AGENTKERNEL_HOME: options.home,
    ...options.env,
  };
  for (const key of [
    'E2B_API_KEY',
    'DAYTONA_API_KEY',
    'MODAL_TOKEN_ID',
    'MODAL_TOKEN_SECRET',
    'RUNLOOP_API_KEY',
  ]) {
    if (!(options.env && key in options.env)) delete env[key];
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: options.cwd ?? options.home,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    readSlowly(child.stdout, out, options.slowReader);
    const closeAfter = options.closeStdoutAfterBytes;
    if (closeAfter !== undefined)
      child.stdout.on('data', () => {
        if (out.reduce((sum, chunk) => sum + chunk.length, 0) >= closeAfter) child.stdout.destroy();
      });
    readSlowly(child.stderr, err, options.slowReader);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(cliResult(code, signal, out, err));
    });
    child.stdin.end(options.input);
  });
}

/** What a finished CLI process gave: its exit, and its output as bytes and as text. */
export function cliResult(
  code: number | null,
  signal: NodeJS.Signals | null,
  out: readonly Buffer[],
  err: readonly Buffer[],
): CliResult {
  const stdoutBytes = Buffer.concat(out);
  const stderrBytes = Buffer.concat(err);
  return {
    code,
    signal,
    stdout: stdoutBytes.toString('utf8'),
    stderr: stderrBytes.toString('utf8'),
    stdoutBytes,
    stderrBytes,
  };
}

/** A fresh AGENTKERNEL_HOME (or any scratch folder), removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `agentkernel-e2e-${prefix}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Parses stdout as JSON, failing the test with the whole output when it is not. */
export function json<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/**
 * Makes `dir` a user project that installs the hostdir fixture backend the way npm users install a
 * plugin: `npm pack` makes the tarball a registry would serve, `npm install --offline` copies it into
 * node_modules and declares it in package.json.
 */
export async function projectWithHostdirPlugin(dir: string): Promise<void> {
  await writeFile(
    join(dir, 'package.json'),
    '{ "name": "user-project", "version": "1.0.0", "private": true }\n',
  );
  const options = {
    cwd: dir,
    stdio: 'pipe' as const,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  };
  const packed = execFileSync(
    'npm',
    ['pack', join(FIXTURES, 'hostdir-backend'), '--pack-destination', dir],
    options,
  );
  const tarball = packed.toString().trim().split('\n').pop() ?? '';
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`], options);
}

/** Starts a fake's `serve.js` (with `args`) and reads the one JSON line of environment it prints. */
export async function startServe<Env>(
  serveJs: string,
  args: readonly string[] = [],
): Promise<{ child: ChildProcess; env: Env }> {
  if (!existsSync(serveJs))
    throw new Error(`${serveJs} is missing: build its plugin first (turbo's test task does)`);
  const child = spawn(process.execPath, [serveJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`serve.js printed nothing in 20 s; stderr:\n${stderr}`)),
        20_000,
      );
      lines.once('line', (first) => {
        clearTimeout(timer);
        resolve(first);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(
          new Error(`serve.js exited (${String(code)}) before printing its environment; stderr:\n${stderr}`),
        );
      });
    });
    return { child, env: JSON.parse(line) as Env };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    lines.close();
  }
}

/** Stops `serve.js` (which kills every command it ran and removes its data), forcefully after 10 s. */
export async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** What `sync push --json` reports. */
export interface SyncReport {
  readonly direction: string;
  readonly filesSent: number;
  readonly bytesSent: number;
}

/** The parts of a snapshot manifest (`snapshot take --json`) the tests read. */
export interface Manifest {
  readonly name: string;
  readonly source: { readonly backend: string; readonly sandbox: string };
  readonly native?: { readonly backend: string; readonly id: string };
}

/** A sandbox command listing every path under /workspace with its kind, mode and content digest, so two trees compare exactly. */
export const WORKSPACE_LISTING =
  'cd /workspace && find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r p; do ' +
  'if [ -L "$p" ]; then echo "$p -> $(readlink "$p")"; ' +
  'elif [ -d "$p" ]; then echo "$p/ $(stat -c %a "$p")"; ' +
  'else echo "$p $(stat -c %a "$p") $(sha256sum < "$p" | cut -c1-64)"; fi; done';

/** What a failed step shows: the exit code and everything the CLI printed. */
export const shown = (step: string, result: CliResult): string =>
  `${step}: exit ${String(result.code)}${result.signal === null ? '' : ` (${result.signal})`}\n` +
  `--- stderr ---\n${result.stderr}--- stdout ---\n${result.stdout}`;

/** Expects `result` to have exited with `code`, showing everything it printed when it did not. */
export function expectExit(step: string, result: CliResult, code: number): CliResult {
  expect(result.code, shown(step, result)).toBe(code);
  return result;
}

/**
 * Runs `agentkernel attach <name>` inside a real terminal (util-linux `script` gives it a pty), typing
 * `input` once the remote shell is there.
 */
export function attachInTerminal(
  name: string,
  input: string,
  options: { home: string; cwd: string; env: Record<string, string> },
): Promise<{ code: number | null; output: string }> {
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_BIN)} attach ${name}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm', AGENTKERNEL_HOME: options.home, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let typed = false;
  const type = (): void => {
    if (typed) return;
    typed = true;
    child.stdin.write(input);
  };
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('attached to')) setTimeout(type, 500);
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
