// The README's set-up command ends with scripts/install-bin.sh: after it, `agentkernel` in a fresh shell,
// in a project folder of the user's own, finds every plugin of this repository.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startServe, stopServe, tempDir } from './helpers.js';

const run = promisify(execFile);

interface Shell {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('scripts/install-bin.sh: agentkernel on the PATH with every plugin, from any folder', () => {
  let bin: Awaited<ReturnType<typeof tempDir>>;
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;

  /** A fresh `sh -c` in the project folder, with only the launcher's folder added to the PATH. */
  const shell = async (script: string, env: Record<string, string> = {}): Promise<Shell> => {
    try {
      const { stdout, stderr } = await run('sh', ['-c', script], {
        cwd: project.path,
        env: {
          PATH: `${bin.path}:${process.env.PATH ?? ''}`,
          HOME: home.path,
          AGENTKERNEL_HOME: home.path,
          NO_COLOR: '1',
          ...env,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    bin = await tempDir('install-bin');
    home = await tempDir('install-bin-home');
    project = await tempDir('install-bin-project');
    // The user's own project: a package.json that declares no plugin at all.
    await writeFile(join(project.path, 'package.json'), '{ "name": "newproj", "private": true }\n');
    await run('bash', [join(REPO_ROOT, 'scripts', 'install-bin.sh')], {
      env: { ...process.env, AGENTKERNEL_BIN_DIR: bin.path },
    });
  });
  afterAll(async () => {
    await bin.cleanup();
    await home.cleanup();
    await project.cleanup();
  });

  it('installs a launcher for each bin of @agentkernel/cli', () => {
    expect(readdirSync(bin.path)).toContain('agentkernel');
  });

  it('plugins list from the new project shows every plugin of the repository', async () => {
    const result = await shell('agentkernel plugins list --json');
    expect(result.code).toBe(0);
    const names = (JSON.parse(result.stdout) as { name: string }[]).map((plugin) => plugin.name).sort();
    expect(names).toEqual(readdirSync(join(REPO_ROOT, 'plugins')).sort());
  });

  it('sandbox create -B e2b from the new project reaches the E2B fake', async () => {
    const serve = await startServe<Record<string, string>>(
      join(REPO_ROOT, 'plugins/e2b/dist/testing/serve.js'),
    );
    try {
      const created = await shell('agentkernel sandbox create x -B e2b', serve.env);
      expect(created.stderr).not.toContain('no backend plugin');
      expect(created.code).toBe(0);
      const listed = await shell('agentkernel exec x -- sh -c "echo from-e2b; exit 4"', serve.env);
      expect([listed.code, listed.stdout]).toEqual([4, 'from-e2b\n']);
      expect((await shell('agentkernel sandbox remove x', serve.env)).code).toBe(0);
    } finally {
      await shell('agentkernel sandbox remove x --force', serve.env);
      await stopServe(serve.child);
    }
  });
});
