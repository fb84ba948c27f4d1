import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, json, projectWithHostdirPlugin, tempDir } from './helpers.js';

interface Manifest {
  name: string;
  source: { sandbox: string; backend: string };
  workspace: { fileCount: number; archiveSha256: string };
  native?: { backend: string };
}

// Lists every path of /workspace with its kind, mode and content digest, so two trees compare exactly.
const TREE =
  'cd /workspace && find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r p; do ' +
  'if [ -L "$p" ]; then echo "$p link $(readlink "$p")"; ' +
  'elif [ -d "$p" ]; then echo "$p dir $(stat -c %a "$p")"; ' +
  'else echo "$p file $(stat -c %a "$p") $(sha256sum < "$p" | cut -c1-64)"; fi; done';

describe('portable snapshots: take, list, restore on any backend, delete', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  let original = '';
  const run = (...args: string[]) => agentkernel(args, { home: home.path, cwd: project.path });

  beforeAll(async () => {
    home = await tempDir('snapshot-home');
    project = await tempDir('snapshot-project');
    await projectWithHostdirPlugin(project.path);
    expect((await run('sandbox', 'create', 'src')).code).toBe(0);
    const fill = await run(
      'exec',
      'src',
      '--',
      'sh',
      '-c',
      'mkdir -p "dir with space/deep" empty && printf "x%.0s" $(seq 1 5000) > "dir with space/deep/big.txt" && ' +
        'head -c 65536 /dev/urandom > blob.bin && echo run > tool.sh && chmod 750 tool.sh && ln -s tool.sh link && echo é > ünïcode.txt',
    );
    expect(fill.code).toBe(0);
    original = (await run('exec', 'src', '--', 'sh', '-c', TREE)).stdout;
    expect(original).toContain('./empty dir');
  }, 120_000);
  afterAll(async () => {
    for (const name of ['src', 'copy', 'src-restored', 'elsewhere'])
      await run('sandbox', 'remove', name, '--force');
    await home.cleanup();
    await project.cleanup();
  });

  it('take names the snapshot <sandbox>-YYYYMMDD by default and list shows it', async () => {
    const taken = await run('snapshot', 'take', 'src', '--json');
    expect(taken.code).toBe(0);
    const manifest = json<Manifest>(taken);
    const now = new Date();
    const day = `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
    expect(manifest.name).toBe(`src-${day}`);
    expect(manifest.workspace.fileCount).toBe(4);
    const listed = json<Manifest[]>(await run('snapshot', 'list', '--json'));
    expect(listed.map((m) => m.name)).toEqual([manifest.name]);
    expect((await run('snapshot', 'take', 'src', '--name', 'named')).stdout).toBe('named\n');
    const taken2 = await run('snapshot', 'take', 'src', '--name', 'named');
    expect(taken2.code).toBe(2);
    expect(taken2.stderr).toContain('a snapshot named "named" already exists');
  });

  it('restore --as copy makes a running sandbox whose /workspace equals the original', async () => {
    const result = await run('snapshot', 'restore', 'named', '--as', 'copy', '--json');
    expect(result.code).toBe(0);
    expect(json(result)).toMatchObject({ name: 'copy', backend: 'local', status: 'running' });
    expect((await run('exec', 'copy', '--', 'sh', '-c', TREE)).stdout).toBe(original);
  });

  it('restore without --as names it <sandbox>-restored', async () => {
    expect((await run('snapshot', 'restore', 'named')).code).toBe(0);
    expect(json<{ name: string; status: string }[]>(await run('sandbox', 'list', '--json'))).toContainEqual(
      expect.objectContaining({ name: 'src-restored', status: 'running' }),
    );
  });

  it('restores onto another backend (-B) from the portable archive', async () => {
    const result = await run('snapshot', 'restore', 'named', '--as', 'elsewhere', '-B', 'hostdir', '--json');
    expect(result.code).toBe(0);
    expect(json(result)).toMatchObject({ name: 'elsewhere', backend: 'hostdir', method: 'portable' });
    const files = await run(
      'exec',
      'elsewhere',
      '--',
      'sh',
      '-c',
      'sha256sum blob.bin "dir with space/deep/big.txt"; readlink link; cat ünïcode.txt',
    );
    const expected = await run(
      'exec',
      'src',
      '--',
      'sh',
      '-c',
      'sha256sum blob.bin "dir with space/deep/big.txt"; readlink link; cat ünïcode.txt',
    );
    expect(files.stdout).toBe(expected.stdout);
  });

  it('a tampered archive is refused before any sandbox is made', async () => {
    await appendFile(join(home.path, 'snapshots', 'named', 'workspace.tar.gz'), 'tampered');
    const result = await run('snapshot', 'restore', 'named', '--as', 'tampered', '-B', 'hostdir');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('snapshot "named" is corrupt');
    expect(
      json<{ name: string }[]>(await run('sandbox', 'list', '--json')).map((row) => row.name),
    ).not.toContain('tampered');
  });

  it('delete removes it; an unknown snapshot exits 5', async () => {
    expect((await run('snapshot', 'delete', 'named')).code).toBe(0);
    const listed = json<Manifest[]>(await run('snapshot', 'list', '--json'));
    expect(listed.map((m) => m.name)).not.toContain('named');
    const missing = await run('snapshot', 'restore', 'named');
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('no snapshot "named"');
  });
});
