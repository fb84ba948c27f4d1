import { readFile, realpath, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { messageOf, registerSecret, UsageError } from '@agentkernel/core';

/** How `agentkernel serve` listens and whom it lets in. */
export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** Accepted Bearer keys; none means no authentication (only allowed on loopback). */
  readonly keys: readonly string[];
  /** The host folder under which clients may name a `work_dir` to sync; undefined: `work_dir` is refused. */
  readonly workDirRoot?: string;
}

export interface ServeFlags {
  readonly host?: string;
  readonly port?: number;
  readonly apiKey?: readonly string[];
  readonly apiKeyFile?: string;
  readonly workDirRoot?: string;
}

/** `127.0.0.1`, `::1`, `localhost` and the rest of 127.0.0.0/8: reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

async function keysFromFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--api-key-file ${file}: cannot read it (${messageOf(error)})`);
  }
  const keys = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (keys.length === 0) throw new UsageError(`--api-key-file ${file}: it holds no key (one a line)`);
  return keys;
}

/**
 * The server's settings from its flags and `AGENTKERNEL_API_KEY`. Every key is registered with the
 * redactor, so no log line or error can show one. Listening beyond loopback without a key is refused:
 * anyone who can reach the port could run commands.
 */
export async function serveOptions(
  flags: ServeFlags,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<ServeOptions> {
  const host = flags.host ?? '127.0.0.1';
  const port = flags.port ?? 18888;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${port}: give a port between 0 and 65535`);
  const keys = [
    ...(flags.apiKey ?? []),
    ...(flags.apiKeyFile === undefined ? [] : await keysFromFile(resolve(cwd, flags.apiKeyFile))),
    ...(env.AGENTKERNEL_API_KEY ? [env.AGENTKERNEL_API_KEY] : []),
  ];
  if (keys.some((key) => key.trim() === '')) throw new UsageError('--api-key: an empty key is no key');
  for (const key of keys) registerSecret(key);
  if (keys.length === 0 && !isLoopback(host)) {
    throw new UsageError(
      `refusing to listen on ${host} without an API key: anyone who reaches it could run commands`,
      { hint: 'add --api-key KEY (or --api-key-file, or AGENTKERNEL_API_KEY), or listen on 127.0.0.1' },
    );
  }
  return {
    host,
    port,
    keys: [...new Set(keys)],
    ...(flags.workDirRoot === undefined
      ? {}
      : { workDirRoot: await workDirRoot(resolve(cwd, flags.workDirRoot)) }),
  };
}

async function workDirRoot(dir: string): Promise<string> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--work-dir-root ${dir}: not a folder`);
  return realpath(dir);
}
