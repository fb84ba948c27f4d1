import { createServer, type Server } from 'node:net';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentkernelError } from '../../src/errors/errors.js';
import {
  IsolationUnavailableError,
  bubblewrapPath,
  checkIsolation,
  runIsolated,
  spawnIsolated,
  type RunIsolatedOptions,
} from '../../src/isolation/index.js';
import { processesMatching, tempRoot, uniqueSleep } from './helpers.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempRoot()));
afterAll(() => cleanup());

const run = (argv: string[], options: Partial<RunIsolatedOptions> = {}) =>
  runIsolated({ root, network: false, argv, ...options });
const text = (bytes: Buffer) => bytes.toString('utf8');

describe('runIsolated under bubblewrap', () => {
  it('reports exit codes, 137 for a killed command and 127 with a message for a missing program', async () => {
    expect((await run(['true'])).exitCode).toBe(0);
    expect((await run(['sh', '-c', 'exit 7'])).exitCode).toBe(7);
    expect((await run(['sh', '-c', 'kill -9 $$'])).exitCode).toBe(137);
    const missing = await run(['no-such-program-xyz', 'arg']);
    expect(missing.exitCode).toBe(127);
    expect(text(missing.stderr)).toBe('agentkernel: no-such-program-xyz: command not found\n');
    expect((await run(['./not-here.sh'])).exitCode).toBe(127);
  });

  it('keeps stdout and stderr apart and measures the duration', async () => {
    const result = await run(['sh', '-c', 'echo out; echo err >&2; sleep 0.1']);
    expect(text(result.stdout)).toBe('out\n');
    expect(text(result.stderr)).toBe('err\n');
    expect(result.durationMs).toBeGreaterThanOrEqual(100);
    expect(result.timedOut).toBe(false);
  });

  it('binds the root at /workspace, resolves cwd under it and sets a clean environment', async () => {
    await mkdir(join(root, 'sub dir'), { recursive: true });
    process.env.AK_HOST_ONLY = 'leak';
    try {
      const result = await run(
        [
          'sh',
          '-c',
          'pwd; echo "$HOME|$LANG|$AK_X|${AK_HOST_ONLY:-unset}|$AGENTKERNEL_WORKSPACE"; echo hi > f.txt',
        ],
        {
          cwd: 'sub dir',
          env: { AK_X: 'x y' },
        },
      );
      expect(text(result.stdout)).toBe('/workspace/sub dir\n/tmp|C.UTF-8|x y|unset|/workspace\n');
      expect(await readFile(join(root, 'sub dir', 'f.txt'), 'utf8')).toBe('hi\n');
    } finally {
      delete process.env.AK_HOST_ONLY;
    }
  });

  it('honours another workspace directory and a persistent home', async () => {
    const home = join(root, '..', `${root.split('/').pop()}-home`);
    await mkdir(home, { recursive: true });
    const result = await run(['sh', '-c', 'pwd; echo "$HOME"; echo kept > "$HOME/h"'], {
      workspaceDir: '/home/user/project',
      home,
    });
    expect(text(result.stdout)).toBe('/home/user/project\n/home/sandbox\n');
    expect(await readFile(join(home, 'h'), 'utf8')).toBe('kept\n');
  });

  it('binds extra host folders, a /tmp bind replacing the private one', async () => {
    const extra = join(root, '..', `${root.split('/').pop()}-extra`);
    const tmp = join(root, '..', `${root.split('/').pop()}-tmp`);
    await mkdir(extra, { recursive: true });
    await mkdir(tmp, { recursive: true });
    const binds = [
      { hostPath: extra, sandboxPath: '/data' },
      { hostPath: tmp, sandboxPath: '/tmp' },
    ];
    expect((await run(['sh', '-c', 'echo d > /data/f && echo t > /tmp/f'], { binds })).exitCode).toBe(0);
    expect(await readFile(join(extra, 'f'), 'utf8')).toBe('d\n');
    expect(text((await run(['cat', '/tmp/f'], { binds })).stdout)).toBe('t\n');
    await expect(run(['true'], { binds: [{ hostPath: extra, sandboxPath: '/usr/data' }] })).rejects.toThrow(
      /"\/usr\/data"/,
    );
    await expect(run(['true'], { binds, mode: 'none' })).rejects.toThrow(/extra binds need bubblewrap/);
  });

  it('makes system folders read-only and /tmp private', async () => {
    await writeFile('/tmp/ak-host-visible', 'x');
    const result = await run([
      'sh',
      '-c',
      'touch /usr/ak-nope 2>/dev/null && echo wrote; ls /tmp/ak-host-visible 2>/dev/null || echo private',
    ]);
    expect(text(result.stdout)).toBe('private\n');
  });

  it('rejects a workspace directory inside a system folder', async () => {
    await expect(run(['true'], { workspaceDir: '/usr/work' })).rejects.toThrow(
      /workspace directory "\/usr\/work"/,
    );
    await expect(run(['true'], { workspaceDir: 'relative' })).rejects.toThrow(/must be an absolute path/);
  });

  it('feeds stdin from bytes and from a stream, byte for byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect((await run(['cat'], { stdin: bytes })).stdout.equals(bytes)).toBe(true);
    const streamed = await run(['cat'], { stdin: Readable.from([bytes, bytes]) });
    expect(streamed.stdout.equals(Buffer.concat([bytes, bytes]))).toBe(true);
    expect((await run(['cat'])).stdout.length).toBe(0);
    // A command that ignores its input must not fail the call.
    expect((await run(['true'], { stdin: Buffer.alloc(1 << 20) })).exitCode).toBe(0);
  });

  it('returns 10 MB of output intact', async () => {
    const result = await run(['sh', '-c', 'yes 0123456789abcde | head -c 10485760']);
    expect(result.stdout.length).toBe(10 * 1024 * 1024);
    expect(result.stdout.subarray(0, 32).toString()).toBe('0123456789abcde\n0123456789abcde\n');
  });

  it('streams output while the command runs, and keeps no copy of it', async () => {
    const seen: number[] = [];
    const chunks: Buffer[] = [];
    const started = Date.now();
    const result = await run(['sh', '-c', 'echo a; sleep 0.4; echo b'], {
      onStdout: (chunk) => {
        seen.push(Date.now() - started);
        chunks.push(Buffer.from(chunk));
      },
    });
    expect(text(Buffer.concat(chunks))).toBe('a\nb\n');
    expect(result.stdout.length).toBe(0);
    expect(seen[0]).toBeLessThan(result.durationMs - 200);
  });

  it('waits for a slow consumer: the command blocks, and every byte arrives after it exits', async () => {
    const expected = Buffer.alloc(5_000_000);
    for (let i = 0; i < expected.length; i += 1) expected[i] = (i * 7 + (i >> 13)) & 0xff;
    await writeFile(join(root, 'five-mb.bin'), expected);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let stalledUntil = 0;
    let stderrAt = 0;
    let lastChunkAt = 0;
    const result = await run(['sh', '-c', 'cat five-mb.bin; cat five-mb.bin >&2; echo done >&2'], {
      onStdout: async (chunk) => {
        out.push(Buffer.from(chunk));
        if (out.length === 1) {
          await new Promise((resolve) => setTimeout(resolve, 600));
          stalledUntil = Date.now();
        }
      },
      // Slower than the 2 s the runner waits for idle pipes after the command exits.
      onStderr: async (chunk) => {
        err.push(Buffer.from(chunk));
        stderrAt ||= Date.now();
        await new Promise((resolve) => setTimeout(resolve, 40));
        lastChunkAt = Date.now();
      },
    });
    expect(result.exitCode).toBe(0);
    expect(Buffer.concat(out).equals(expected)).toBe(true);
    expect(Buffer.concat(err).equals(Buffer.concat([expected, Buffer.from('done\n')]))).toBe(true);
    expect(result.stdout.length + result.stderr.length).toBe(0);
    // stdout was not read while its consumer stalled, so the command could not get to its stderr.
    expect(stderrAt).toBeGreaterThanOrEqual(stalledUntil);
    expect(lastChunkAt - stderrAt).toBeGreaterThan(2000);
  });

  it('turns a rejected handler into an error and kills the command', async () => {
    const token = uniqueSleep();
    const failing = run(['sh', '-c', `echo a; sleep ${token}`], {
      onStdout: () => Promise.reject(new Error('pipe closed')),
    });
    await expect(failing).rejects.toThrow(/pipe closed/);
    expect(processesMatching(`sleep ${token}`)).toEqual([]);
  });

  it('kills the command and its children on timeout', async () => {
    const token = uniqueSleep();
    const result = await run(['sh', '-c', `sleep ${token} & sleep ${token}; echo never`], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(137);
    expect(text(result.stdout)).toBe('');
    expect(processesMatching(`sleep ${token}`)).toEqual([]);
  });

  it('rejects with the abort reason and kills everything', async () => {
    const token = uniqueSleep();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 200);
    await expect(run(['sh', '-c', `sleep ${token}`], { signal: controller.signal })).rejects.toThrow(
      'user cancelled',
    );
    expect(processesMatching(`sleep ${token}`)).toEqual([]);
    await expect(run(['true'], { signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow(
      'already',
    );
  });

  it('ends background processes when the command ends', async () => {
    const token = uniqueSleep();
    const result = await run(['sh', '-c', `setsid sleep ${token} >/dev/null 2>&1 & echo started`]);
    expect(text(result.stdout)).toBe('started\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processesMatching(`sleep ${token}`)).toEqual([]);
  });

  it('keeps the output of a command that ended before anyone read it', async () => {
    const proc = await spawnIsolated({
      root,
      network: false,
      argv: ['sh', '-c', 'echo kept; echo also >&2'],
    });
    await proc.exited;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const read = async (stream: NodeJS.ReadableStream | null) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream!) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString();
    };
    expect(await read(proc.stdout)).toBe('kept\n');
    expect(await read(proc.stderr)).toBe('also\n');
  });

  it('turns a failing callback into an error and kills the command', async () => {
    const run1 = run(['sh', '-c', 'echo a; sleep 5'], {
      onStdout: () => {
        throw new Error('consumer broke');
      },
    });
    await expect(run1).rejects.toThrow(/consumer broke/);
  });
});

describe('network isolation', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const probe = () => ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && cat <&3`];

  it('cannot reach a host port with the network off', async () => {
    const result = await run(probe());
    expect(result.exitCode).not.toBe(0);
    expect(text(result.stdout)).toBe('');
  });

  it('reaches it with the network on', async () => {
    const result = await run(probe(), { network: true });
    expect(text(result.stdout)).toBe('hello');
  });
});

describe('finding bubblewrap', () => {
  it('looks bwrap up on PATH', async () => {
    expect(await bubblewrapPath(process.env.PATH)).toMatch(/\/bwrap$/);
    expect(await bubblewrapPath('/nonexistent:/also-not')).toBeUndefined();
    const check = await checkIsolation();
    expect(check.available).toBe(true);
    expect(check.inForce).toContain('no capabilities (CapEff 0), no-new-privs');
    expect(await checkIsolation('/nonexistent')).toMatchObject({
      available: false,
      problem: expect.stringContaining('apt-get install -y bubblewrap'),
    });
  });

  it.skipIf(process.getuid?.() !== 0)(
    'reports a bwrap that leaves root its capabilities as not isolating (needs root)',
    async () => {
      // A stand-in that runs the command without any sandbox, as a broken or hostile bwrap would.
      const bin = join(root, '..', `${root.split('/').pop()}-fake-bwrap`);
      await mkdir(bin, { recursive: true });
      await writeFile(
        join(bin, 'bwrap'),
        '#!/bin/sh\nwhile [ "$1" != /bin/sh ]; do shift; done\nshift 5\nexec "$@"\n',
        { mode: 0o755 },
      );
      const check = await checkIsolation(bin);
      expect(check.available).toBe(false);
      expect(check.problem).toMatch(/does not isolate enough: commands keep capabilities \(CapEff 0*1f+/);
      expect(check.problem).toContain('/proc/sys is writable');
    },
  );

  it('throws IsolationUnavailableError with the install commands when bwrap is missing', async () => {
    const error: unknown = await run(['true'], { searchPath: '/nonexistent', backend: 'local' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IsolationUnavailableError);
    expect(AgentkernelError.isInstance(error) && error.exitCode).toBe(3);
    expect((error as Error).message).toMatch(
      /^\[agentkernel\] \[local\] bubblewrap \(bwrap\) was not found on PATH/,
    );
    expect((error as Error).message).toContain('apt-get install -y bubblewrap');
    expect((error as Error).message).toContain('dnf install bubblewrap');
  });

  it('reports an unusable bwrap path as unavailable', async () => {
    await expect(
      spawnIsolated({ root, network: false, argv: ['true'], bwrapPath: '/nonexistent/bwrap' }),
    ).rejects.toBeInstanceOf(IsolationUnavailableError);
  });
});
