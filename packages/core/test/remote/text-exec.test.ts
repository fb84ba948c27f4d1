import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendError } from '../../src/errors/errors.js';
import {
  execOverText,
  SIGKILL_EXIT_CODE,
  STDIN_CHUNK_BYTES,
  type TextCommandApi,
} from '../../src/remote/text-exec.js';
import { busyboxPath, hostTextApi } from './helpers/host-shell.js';

const busybox = busyboxPath();
afterAll(() => rm(busybox, { recursive: true, force: true }));
const target = { backend: 'acme', sandboxId: 'sb-1' };
const BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Whether a process runs (a zombie waiting for a reaper that never comes does not). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe.each([
  ['dash with GNU tools', '/bin/dash', process.env.PATH ?? ''],
  ['busybox', `${busybox}/sh`, busybox],
] as const)('execOverText on %s', (_label, shell, path) => {
  const api = hostTextApi(shell, path);

  it('returns binary stdout and stderr byte for byte through an API that decodes them as text', async () => {
    const chunks: Buffer[] = [];
    const result = await execOverText(
      api,
      ['sh', '-c', 'cat; printf "\\377\\000err" >&2; exit 3'],
      { cwd: '/', stdin: BYTES, onStdout: (chunk) => chunks.push(Buffer.from(chunk)) },
      target,
    );
    expect(result.exitCode).toBe(3);
    // What the handler took is not kept as well.
    expect(result.stdout.length).toBe(0);
    expect(Buffer.concat(chunks).equals(BYTES)).toBe(true);
    expect(result.stderr).toEqual(Buffer.from([0xff, 0x00, 0x65, 0x72, 0x72]));
  });

  it('sends a stdin stream larger than one chunk intact', async () => {
    const input = randomBytes(STDIN_CHUNK_BYTES * 2 + 123);
    const result = await execOverText(api, ['cat'], { cwd: '/', stdin: Readable.from([input]) }, target);
    expect(result.stdout.equals(input)).toBe(true);
  });

  it('runs in the given cwd with the given environment', async () => {
    const result = await execOverText(
      api,
      ['sh', '-c', 'pwd; printf %s "$GREETING"'],
      { cwd: '/tmp', env: { GREETING: 'hi there' } },
      target,
    );
    expect(result.stdout.toString()).toBe('/tmp\nhi there');
  });
});

describe.each([
  ['dash with GNU tools', '/bin/dash', process.env.PATH ?? ''],
  ['busybox', `${busybox}/sh`, busybox],
] as const)('execOverText aborts on %s', (_label, shell, path) => {
  // The API's kill ends the wrapper alone, as a provider's signal to one pid does.
  const api = hostTextApi(shell, path);

  it('has killed the whole group and removed its temporary folder by the time it rejects', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'ak-abort-'));
    const controller = new AbortController();
    const pids: number[] = [];
    const running = execOverText(
      api,
      ['sh', '-c', 'sleep 30 & echo $!; echo $$; sleep 30'],
      {
        cwd: '/',
        env: { TMPDIR: tmp },
        signal: controller.signal,
        onStdout: (chunk) => {
          pids.push(...Buffer.from(chunk).toString().trim().split('\n').map(Number));
          if (pids.length >= 2) controller.abort(new Error('user pressed Ctrl-C'));
        },
      },
      target,
    );
    await expect(running).rejects.toThrow('user pressed Ctrl-C');
    // The folder is removed by the kill itself; SIGKILLed processes take a moment to be gone.
    expect(await readdir(tmp)).toEqual([]);
    await expect.poll(() => pids.filter(alive), { timeout: 5000 }).toEqual([]);
    await rm(tmp, { recursive: true, force: true });
  });
});

describe('execOverText aborts through an API that hands output over only at the end', () => {
  // As a provider's non-streaming exec does: nothing the wrapper prints arrives before the abort.
  const streaming = hostTextApi('/bin/sh', process.env.PATH ?? '');
  const api: TextCommandApi = {
    ...streaming,
    start: async (script, io) => {
      const held: [(text: string) => Promise<void> | undefined, string][] = [];
      const command = await streaming.start(script, {
        ...io,
        onStdout: (text) => void held.push([io.onStdout, text]),
        onStderr: (text) => void held.push([io.onStderr, text]),
      });
      return {
        ...command,
        wait: async () => {
          const code = await command.wait();
          for (const [take, text] of held) await take(text);
          return code;
        },
      };
    },
  };

  it('still kills the group and removes the folder, found in the sandbox by the exec id', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'ak-abort-'));
    const controller = new AbortController();
    const running = execOverText(
      api,
      ['sh', '-c', `sleep 30 & echo $! > ${tmp}/../$(basename ${tmp}).child; sleep 30`],
      { cwd: '/', env: { TMPDIR: tmp }, signal: controller.signal },
      target,
    );
    const childFile = `${tmp}.child`;
    await expect.poll(() => existsSync(childFile), { timeout: 5000 }).toBe(true);
    const child = Number(readFileSync(childFile, 'utf8').trim());
    controller.abort(new Error('user pressed Ctrl-C'));
    await expect(running).rejects.toThrow('user pressed Ctrl-C');
    expect(await readdir(tmp)).toEqual([]);
    await expect.poll(() => alive(child), { timeout: 5000 }).toBe(false);
    await rm(tmp, { recursive: true, force: true });
    await rm(childFile, { force: true });
  });
});

describe('execOverText timeouts and aborts', () => {
  const api = hostTextApi('/bin/sh', process.env.PATH ?? '');

  it('kills a command that outlives its timeout, and what it started, with exit code 137', async () => {
    const result = await execOverText(
      api,
      ['sh', '-c', 'sleep 30 & echo $!; wait'],
      { cwd: '/', timeoutMs: 300 },
      target,
    );
    expect(result).toMatchObject({ exitCode: SIGKILL_EXIT_CODE, timedOut: true });
    expect(alive(Number(result.stdout.toString().trim()))).toBe(false);
  });

  it('kills the command and its children on abort and rejects with the reason', async () => {
    const controller = new AbortController();
    let child = 0;
    const running = execOverText(
      api,
      ['sh', '-c', 'sleep 30 & echo $!; wait'],
      {
        cwd: '/',
        signal: controller.signal,
        onStdout: (chunk) => {
          child = Number(Buffer.from(chunk).toString().trim());
          controller.abort(new Error('user pressed Ctrl-C'));
        },
      },
      target,
    );
    await expect(running).rejects.toThrow('user pressed Ctrl-C');
    await expect.poll(() => alive(child), { timeout: 5000 }).toBe(false);
  });

  it('waits for a busy handler and delivers every byte after the command exits', async () => {
    const chunks: Buffer[] = [];
    let firstDone = 0;
    let exitedAt = 0;
    const result = await execOverText(
      api,
      ['sh', '-c', 'head -c 3000000 /dev/zero; date +%s%N >&2'],
      {
        cwd: '/',
        onStdout: async (chunk) => {
          chunks.push(Buffer.from(chunk));
          if (chunks.length === 1) await new Promise((resolve) => setTimeout(resolve, 500));
          firstDone ||= Date.now();
        },
        onStderr: (chunk) =>
          void (exitedAt = Number(BigInt(Buffer.from(chunk).toString().trim()) / 1_000_000n)),
      },
      target,
    );
    expect(result.exitCode).toBe(0);
    expect(Buffer.concat(chunks).equals(Buffer.alloc(3_000_000))).toBe(true);
    // The command could not finish writing while the handler held its first chunk.
    expect(exitedAt).toBeGreaterThanOrEqual(firstDone - 50);
  });

  it('reports a failure of an output callback as a BackendError naming the program', async () => {
    const error = await execOverText(
      api,
      ['echo', 'x'],
      {
        cwd: '/',
        onStdout: () => {
          throw new Error('consumer broke');
        },
      },
      target,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toContain('an output callback of "echo" failed: Error: consumer broke');
  });
});
