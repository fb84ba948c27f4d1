// Issue 16 item 3 through the built CLI: `exec --detach`, `exec-list`, `exec-logs --follow` and
// `exec-kill`, each a separate agentkernel process, on local and on the offline E2B (its serve.js).
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, expectExit, json, REPO_ROOT, startServe, stopServe, tempDir } from './helpers.js';

interface Detached {
  id: string;
  sandbox: string;
  command: string[];
  pid: number;
  status: string;
  exitCode: number | null;
}

interface Target {
  readonly backend: 'local' | 'e2b';
  /** Extra environment (the fake's URLs and key). */
  env(): Record<string, string>;
  setUp?(project: string): Promise<void>;
  tearDown?(): Promise<void>;
}

let serve: { child: ChildProcess; env: Record<string, string> } | undefined;
const e2bPlugin = join(REPO_ROOT, 'plugins', 'e2b');

const targets: Target[] = [
  { backend: 'local', env: () => ({}) },
  {
    backend: 'e2b',
    env: () => serve?.env ?? {},
    setUp: async (project) => {
      await writeFile(
        join(project, 'agentkernel.toml'),
        `[plugins]\npaths = [${JSON.stringify(e2bPlugin)}]\n`,
      );
      serve = await startServe(join(e2bPlugin, 'dist', 'testing', 'serve.js'));
    },
    tearDown: async () => {
      if (serve !== undefined) await stopServe(serve.child);
    },
  },
];

for (const target of targets) {
  describe(`detached commands on ${target.backend}`, () => {
    let home: Awaited<ReturnType<typeof tempDir>>;
    let project: Awaited<ReturnType<typeof tempDir>>;
    const run = (...args: string[]) =>
      agentkernel(args, { home: home.path, cwd: project.path, env: target.env() });
    const list = async (): Promise<Detached[]> =>
      json<Detached[]>(expectExit('exec-list', await run('sandbox', 'exec-list', 'det', '--json'), 0));

    beforeAll(async () => {
      home = await tempDir(`detached-${target.backend}-home`);
      project = await tempDir(`detached-${target.backend}-project`);
      await target.setUp?.(project.path);
      expectExit('create', await run('sandbox', 'create', 'det', '-B', target.backend), 0);
    }, 60_000);
    afterAll(async () => {
      await run('sandbox', 'remove', 'det', '--force');
      await target.tearDown?.();
      await home.cleanup();
      await project.cleanup();
    });

    it('exec -d returns an id at once; exec-logs --follow prints the output until it ends', async () => {
      const started = expectExit(
        'exec -d',
        await run(
          'exec',
          '-d',
          'det',
          '--json',
          '--',
          'sh',
          '-c',
          'echo start; echo oops >&2; sleep 2; echo "end $1"; exit 4',
          'sh',
          "it's",
        ),
        0,
      );
      const view = json<Detached>(started);
      expect(view).toMatchObject({ sandbox: 'det', status: 'running', exitCode: null });
      expect(view.id).toMatch(/^[0-9a-f]{8}$/);
      const followed = expectExit(
        'exec-logs -f',
        await run('sandbox', 'exec-logs', 'det', view.id, '--follow'),
        0,
      );
      expect(followed.stdout).toBe("start\nend it's\n");
      const stderr = expectExit(
        'exec-logs --stderr',
        await run('sandbox', 'exec-logs', 'det', view.id, '--stderr'),
        0,
      );
      expect(stderr.stderr).toBe('oops\n');
      const listed = (await list()).find((entry) => entry.id === view.id);
      expect(listed).toMatchObject({
        status: 'failed',
        exitCode: 4,
        command: ['sh', '-c', expect.any(String), 'sh', "it's"],
      });
    });

    it('exec-kill ends a running detached command and every process it started', async () => {
      const started = expectExit(
        'exec -d',
        await run('exec', '-d', 'det', '--', 'sh', '-c', 'sleep 300 & echo $!; wait'),
        0,
      );
      const id = started.stdout.trim();
      expect(id).toMatch(/^[0-9a-f]{8}$/);
      expect(started.stderr).toContain(`agentkernel sandbox exec-kill det ${id}`);
      let child = '';
      while (child === '') child = (await run('sandbox', 'exec-logs', 'det', id)).stdout.trim();
      expect((await list()).find((entry) => entry.id === id)?.status).toBe('running');
      const killed = expectExit('exec-kill', await run('sandbox', 'exec-kill', 'det', id), 0);
      expect(killed.stderr).toContain(`killed ${id}`);
      expect((await list()).find((entry) => entry.id === id)).toMatchObject({
        status: 'killed',
        exitCode: 137,
      });
      const alive = await run('exec', 'det', '--', 'sh', '-c', 'kill -0 "$1" 2>/dev/null', 'sh', child);
      expect(alive.code, `the background child ${child} must be gone`).toBe(1);
      const again = expectExit('exec-kill again', await run('sandbox', 'exec-kill', 'det', id), 0);
      expect(again.stderr).toContain('had already ended (killed, exit code 137)');
    });

    it('names what is wrong with an id', async () => {
      const unknown = await run('sandbox', 'exec-logs', 'det', 'abcdef12');
      expectExit('unknown id', unknown, 5);
      expect(unknown.stderr).toContain('has no detached command abcdef12');
      const hostile = await run('sandbox', 'exec-kill', 'det', '../../etc');
      expectExit('hostile id', hostile, 2);
      expect(hostile.stderr).toContain('is not a detached command id');
      const timed = await run('exec', '-d', 'det', '--timeout', '5', '--', 'true');
      expectExit('--timeout with -d', timed, 125);
      expect(timed.stderr).toContain('--timeout does not apply to exec --detach');
    });
  });
}
