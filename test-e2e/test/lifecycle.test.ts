import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, CLI_BIN, json, tempDir } from './helpers.js';

interface Listed {
  name: string;
  backend: string;
  status: string;
  id: string;
}

// util-linux `script` gives the CLI a real terminal, which `attach` needs.
const hasScript = spawnSync('script', ['--version']).status === 0;

function processesMentioning(text: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(text) && !line.includes('ps -eo'));
}

describe('a sandbox on the local backend, from create to remove', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  const run = (...args: string[]) => agentkernel(args, { home: home.path });

  beforeAll(async () => {
    home = await tempDir('lifecycle');
  });
  afterAll(async () => {
    await run('sandbox', 'remove', 'demo', '--force');
    await home.cleanup();
  });

  it('creates demo, running', async () => {
    const created = await run('sandbox', 'create', 'demo');
    expect(created.stderr).toContain('created sandbox demo on local (running)');
    expect(created.code).toBe(0);
  });

  it("exec prints the command's output and exits with its code", async () => {
    const result = await run('exec', 'demo', '--', 'sh', '-c', 'echo hi; exit 7');
    expect(result.stdout).toBe('hi\n');
    expect(result.code).toBe(7);
  });

  it('keeps stdout and stderr apart and passes -e, -w and --stdin', async () => {
    await run('exec', 'demo', '--', 'mkdir', '-p', 'sub');
    const result = await agentkernel(
      [
        'exec',
        'demo',
        '-e',
        'GREETING=hello world',
        '-w',
        'sub',
        '--stdin',
        '--',
        'sh',
        '-c',
        'echo "$GREETING from $(pwd)"; cat; echo oops >&2',
      ],
      { home: home.path, input: 'piped in\n' },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('hello world from /workspace/sub\npiped in\n');
    expect(result.stderr).toBe('oops\n');
  });

  it('exits 137 when --timeout kills the command', async () => {
    const result = await run('exec', 'demo', '--timeout', '1', '--', 'sleep', '30');
    expect(result.code).toBe(137);
    expect(result.stderr).toMatch(/killed after the 1s timeout/);
  });

  it('sandbox list --json lists demo with its backend and status', async () => {
    const result = await run('sandbox', 'list', '--json');
    expect(result.code).toBe(0);
    const listed = json<Listed[]>(result);
    expect(listed).toContainEqual(
      expect.objectContaining({ name: 'demo', backend: 'local', status: 'running' }),
    );
  });

  it('sandbox list prints an aligned table for people', async () => {
    const result = await run('sandbox', 'list');
    const [header, row] = result.stdout.split('\n');
    expect(header).toMatch(/^NAME\s+BACKEND\s+STATUS\s+CREATED/);
    expect(row).toMatch(/^demo\s+local\s+running\s+/);
    expect(row?.indexOf('local')).toBe(header?.indexOf('BACKEND'));
  });

  it('sandbox info shows it, as JSON too', async () => {
    const info = json<Listed & { workspaceDir: string; capabilities: Record<string, boolean> }>(
      await run('sandbox', 'info', 'demo', '--json'),
    );
    expect(info).toMatchObject({
      name: 'demo',
      backend: 'local',
      status: 'running',
      workspaceDir: '/workspace',
    });
    expect(info.capabilities.pty).toBe(true);
  });

  it('copies a binary file in and out byte for byte, and folders both ways', async () => {
    const scratch = await tempDir('cp');
    try {
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256));
      await writeFile(join(scratch.path, 'data.bin'), bytes);
      expect((await run('sandbox', 'cp', join(scratch.path, 'data.bin'), 'demo:in/data.bin')).code).toBe(0);
      const sum = await run('exec', 'demo', '--', 'sha256sum', 'in/data.bin');
      const expected = execFileSync('sha256sum', [join(scratch.path, 'data.bin')], {
        encoding: 'utf8',
      }).split(' ')[0];
      expect(sum.stdout.split(' ')[0]).toBe(expected);

      expect((await run('sandbox', 'cp', 'demo:in/data.bin', join(scratch.path, 'back.bin'))).code).toBe(0);
      expect(readFileSync(join(scratch.path, 'back.bin')).equals(bytes)).toBe(true);

      await run(
        'exec',
        'demo',
        '--',
        'sh',
        '-c',
        'mkdir -p tree/a && echo one > tree/a/one.txt && ln -s a/one.txt tree/link',
      );
      expect((await run('sandbox', 'cp', 'demo:tree', join(scratch.path, 'tree'))).code).toBe(0);
      expect(readFileSync(join(scratch.path, 'tree/a/one.txt'), 'utf8')).toBe('one\n');
      expect(readFileSync(join(scratch.path, 'tree/link'), 'utf8')).toBe('one\n');

      // Into an existing folder (trailing /): the folder keeps its name, like cp -r.
      await run('exec', 'demo', '--', 'mkdir', 'drop');
      expect((await run('sandbox', 'cp', join(scratch.path, 'tree'), 'demo:/workspace/drop/')).code).toBe(0);
      const listed = await run(
        'exec',
        'demo',
        '--',
        'sh',
        '-c',
        'cat drop/tree/a/one.txt; readlink drop/tree/link',
      );
      expect(listed.stdout).toBe('one\na/one.txt\n');
    } finally {
      await scratch.cleanup();
    }
  });

  it('cp of a folder whose last entry cannot come back (a fifo, a symlink out) is a clear error, never a stack', async () => {
    const scratch = await tempDir('cp-refused');
    try {
      for (const last of ['mkfifo t1/zz', 'ln -s /etc/passwd t1/zz']) {
        await run('exec', 'demo', '--', 'sh', '-c', `rm -rf t1 && mkdir t1 && echo a > t1/a && ${last}`);
        const copied = await run('sandbox', 'cp', 'demo:t1', join(scratch.path, `out-${last.length}`));
        expect(copied.code).toBe(3);
        expect(copied.stderr).toMatch(
          /refused archive entry "zz": (fifos are not allowed|the symlink points outside)/,
        );
        expect(copied.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      await scratch.cleanup();
    }
  });

  it('stop keeps files and start brings it back; start on a running sandbox succeeds', async () => {
    await run('exec', 'demo', '--', 'sh', '-c', 'echo kept > kept.txt');
    expect((await run('sandbox', 'stop', 'demo')).code).toBe(0);
    expect(json<Listed[]>(await run('sandbox', 'list', '--json'))[0]?.status).toBe('stopped');
    expect((await run('sandbox', 'start', 'demo')).code).toBe(0);
    const again = await run('sandbox', 'start', 'demo');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already running');
    expect((await run('exec', 'demo', '--', 'cat', 'kept.txt')).stdout).toBe('kept\n');
  });

  it.skipIf(!hasScript)(
    'attach opens a shell in the workspace and exits with its code (needs util-linux script)',
    () => {
      const result = spawnSync(
        'script',
        ['-qec', `${process.execPath} ${CLI_BIN} attach demo`, '/dev/null'],
        {
          input: 'pwd; echo inside-$((6*7))\nexit 3\n',
          env: { ...process.env, AGENTKERNEL_HOME: home.path, NO_COLOR: '1' },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      expect(result.status).toBe(3);
      expect(result.stdout).toContain('inside-42');
      expect(result.stdout).toContain('/workspace');
    },
  );

  it('remove leaves no process and no folder behind', async () => {
    const info = json<Listed>(await run('sandbox', 'info', 'demo', '--json'));
    const folder = join(home.path, 'plugins', 'local', 'sandboxes', info.id);
    expect(existsSync(folder)).toBe(true);
    // A process left running in the background must not survive the sandbox.
    const background = await run(
      'exec',
      'demo',
      '--',
      'sh',
      '-c',
      'nohup sleep 313 >/dev/null 2>&1 & echo started',
    );
    expect(background.stdout).toBe('started\n');

    const removed = await run('sandbox', 'remove', 'demo');
    expect(removed.code).toBe(0);
    expect(existsSync(folder)).toBe(false);
    expect(readdirSync(join(home.path, 'sandboxes')).filter((file) => file.startsWith('demo'))).toEqual([]);
    expect(processesMentioning('sleep 313')).toEqual([]);
    expect(processesMentioning(info.id)).toEqual([]);
    expect(json<Listed[]>(await run('sandbox', 'list', '--json'))).toEqual([]);
  });
});
