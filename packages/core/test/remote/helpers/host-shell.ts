import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ExecOptions, ExecResult, SandboxHandle } from '../../../src/contract/backend.js';
import { execOverText, type TextCommandApi } from '../../../src/remote/text-exec.js';

/** A PATH holding only busybox applets, so a script that needs GNU tools fails here. */
export function busyboxPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ak-busybox-'));
  const busybox = spawnSync('/bin/sh', ['-c', 'command -v busybox']).stdout.toString().trim();
  const applets = spawnSync(busybox, ['--list']).stdout.toString().trim().split('\n');
  for (const applet of applets) symlinkSync(busybox, join(dir, applet));
  return dir;
}

/** Hands a pipe's text to `take`, not reading on while it is busy, as an SDK awaiting its callbacks does. */
function forward(stream: Readable | null, take: (text: string) => Promise<void> | undefined): void {
  stream?.setEncoding('utf8').on('data', (text: string) => {
    const busy = take(text);
    if (busy === undefined) return;
    stream.pause();
    void busy.finally(() => stream.resume());
  });
}

/**
 * A command API over host processes that, like a provider's, hands output back as UTF-8-decoded text
 * (lossy for binary bytes), so only the wrapper's encoding can bring the bytes back intact.
 */
export function hostTextApi(shell: string, path: string): TextCommandApi {
  const env = { PATH: path };
  return {
    start: async (script, io) => {
      const child = spawn(shell, ['-c', script], {
        env: { ...env, ...io.env },
        stdio: [io.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      forward(child.stdout, io.onStdout);
      forward(child.stderr, io.onStderr);
      child.stdin?.on('error', () => undefined);
      const ended = new Promise<number | 'signalled'>((resolve) =>
        child.once('close', (code) => resolve(code ?? 'signalled')),
      );
      await new Promise((resolve) => child.once('spawn', resolve));
      return {
        wait: () => ended,
        sendStdin: (chunk) =>
          new Promise<void>((resolve, reject) =>
            child.stdin?.write(chunk, (error) => (error ? reject(error) : resolve())),
          ),
        closeStdin: async () => void child.stdin?.end(),
        kill: async () => void child.kill('SIGKILL'),
      };
    },
    run: async (script) => {
      spawnSync(shell, ['-c', script], { env });
    },
  };
}

/**
 * A sandbox handle whose sandbox is this machine (sandbox paths are host paths), with exec over
 * {@link hostTextApi}: enough to run the archive-over-exec helpers for real with a given shell and tools.
 */
export function hostShellHandle(shell: string, path: string): SandboxHandle {
  const api = hostTextApi(shell, path);
  const unsupported = (): never => {
    throw new Error('not used by these tests');
  };
  return {
    ref: { backend: 'host', id: 'host', metadata: {} },
    status: async () => 'running',
    exec: (argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> =>
      execOverText(
        api,
        argv,
        { ...options, cwd: options.cwd ?? '/' },
        { backend: 'host', sandboxId: 'host' },
      ),
    readFile: (file: string) => readFile(file),
    writeFile: async (file: string, data: Uint8Array | Readable) => writeFile(file, data),
    removeFile: (file: string) => rm(file, { force: true }),
    mkdir: unsupported,
    putArchive: unsupported,
    getArchive: unsupported,
    endpoints: unsupported,
    stop: unsupported,
    start: unsupported,
    destroy: unsupported,
  };
}
