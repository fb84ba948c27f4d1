import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, json, projectWithHostdirPlugin, tempDir } from './helpers.js';

interface PluginRow {
  name: string;
  package: string;
  version: string;
  specificationVersion: string | null;
  status: string;
  origin: string;
}

/** A user project that installs a third-party backend with npm; nothing links the CLI to it. */
describe('a third-party backend installed into a project', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  const run = (...args: string[]) => agentkernel(args, { home: home.path, cwd: project.path });

  beforeAll(async () => {
    home = await tempDir('third-party-home');
    project = await tempDir('third-party-project');
    await projectWithHostdirPlugin(project.path);
  }, 120_000);
  afterAll(async () => {
    await run('sandbox', 'remove', 'x', '--force');
    await home.cleanup();
    await project.cleanup();
  });

  it('is installed as a real dependency', () => {
    const declared = JSON.parse(readFileSync(join(project.path, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(declared.dependencies['agentkernel-backend-hostdir']).toMatch(/^file:/);
    expect(existsSync(join(project.path, 'node_modules', 'agentkernel-backend-hostdir', 'index.js'))).toBe(
      true,
    );
  });

  it('plugins list --json shows it beside the bundled local backend', async () => {
    const result = await run('plugins', 'list', '--json');
    expect(result.code).toBe(0);
    const rows = json<PluginRow[]>(result);
    expect(rows.find((row) => row.name === 'hostdir')).toMatchObject({
      name: 'hostdir',
      package: 'agentkernel-backend-hostdir',
      version: '1.0.0',
      specificationVersion: 'agentkernel-backend-v1',
      status: 'ready',
      origin: 'project',
    });
    expect(rows.map((row) => row.name)).toContain('local');
  });

  it('plugins info imports it and shows its capabilities', async () => {
    const info = json<{ capabilities: Record<string, boolean>; description: string }>(
      await run('plugins', 'info', 'hostdir', '--json'),
    );
    expect(info.capabilities).toMatchObject({ pauseResume: true, pty: false, nativeSnapshots: false });
    expect(info.description).toContain('test fixture');
  });

  it('sandbox create -B hostdir uses it for the whole lifecycle', async () => {
    expect((await run('sandbox', 'create', 'x', '-B', 'hostdir')).code).toBe(0);
    const listed = json<{ name: string; backend: string; status: string; id: string }[]>(
      await run('sandbox', 'list', '--json'),
    );
    expect(listed).toEqual([expect.objectContaining({ name: 'x', backend: 'hostdir', status: 'running' })]);

    // Commands run in the plugin's own folder, under the data directory the CLI gave it.
    const where = await run('exec', 'x', '--', 'sh', '-c', 'echo made > file.txt; pwd; exit 3');
    expect(where.code).toBe(3);
    const folder = where.stdout.trim();
    expect(folder.startsWith(join(home.path, 'plugins', 'hostdir'))).toBe(true);
    expect(readFileSync(join(folder, 'file.txt'), 'utf8')).toBe('made\n');

    // Later commands reconnect on the backend recorded in state, without -B.
    expect((await run('sandbox', 'stop', 'x')).code).toBe(0);
    expect(json<{ status: string }>(await run('sandbox', 'info', 'x', '--json')).status).toBe('stopped');
    expect((await run('sandbox', 'start', 'x')).code).toBe(0);

    const attach = await run('attach', 'x');
    expect(attach.code).toBe(3);
    expect(attach.stderr).toContain('does not support interactive shells (attach)');

    expect((await run('sandbox', 'remove', 'x')).code).toBe(0);
    expect(existsSync(folder)).toBe(false);
  });
});
