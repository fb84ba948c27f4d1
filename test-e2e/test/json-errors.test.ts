import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, FIXTURES, REPO_ROOT, tempDir, type CliResult } from './helpers.js';

interface JsonError {
  error: { code: string; message: string; hint: string | null; exitCode: number };
}

/** With --json, a failure is exactly one JSON object on stdout, whose exitCode is the process's. */
function jsonError(result: CliResult): JsonError['error'] {
  const lines = result.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  const parsed = JSON.parse(lines[0]!) as JsonError;
  expect(Object.keys(parsed.error).sort()).toEqual(['code', 'exitCode', 'hint', 'message']);
  expect(parsed.error.exitCode).toBe(result.code);
  return parsed.error;
}

describe('errors under --json are JSON on stdout, one per exit code', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: Awaited<ReturnType<typeof tempDir>>;
  const secret = 'keyed_live_json_0123456789';
  const run = (args: string[], cwd?: string, env: Record<string, string> = {}) =>
    agentkernel(args, { home: home.path, cwd: cwd ?? project.path, env });

  beforeAll(async () => {
    home = await tempDir('json-errors-home');
    project = await tempDir('json-errors-project');
    await writeFile(join(project.path, 'package.json'), '{ "name": "p", "private": true }\n');
    await writeFile(join(project.path, 'agentkernel.toml'), '[security]\nmount_cwd = true\n');
  });
  afterAll(async () => {
    await run(['sandbox', 'remove', 'j', '--force']);
    await home.cleanup();
    await project.cleanup();
  });

  it('2: a usage error from the parser, and a config error', async () => {
    const usage = await run(['sandbox', 'create', '--vcpus', '--json']);
    expect(usage.code).toBe(2);
    expect(jsonError(usage)).toMatchObject({ code: 'USAGE', message: expect.stringContaining('vcpus') });

    const config = await run(['sandbox', 'list', '--json', '-c', 'nope.toml']);
    expect(config.code).toBe(2);
    expect(jsonError(config)).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('config file not found'),
    });
  });

  it('3: a backend that cannot create (the stub), with its hint', async () => {
    const result = await run(['sandbox', 'create', 'x', '-B', 'agentcomputer', '--json'], REPO_ROOT);
    expect(result.code).toBe(3);
    const error = jsonError(result);
    expect(error.message).toContain('[agentcomputer]');
    expect(error.hint).not.toBeNull();
  });

  it('4: a sync conflict', async () => {
    expect((await run(['sandbox', 'create', 'j'])).code).toBe(0);
    await run(['exec', 'j', '--no-sync', '--', 'sh', '-c', 'echo remote > clash.txt']);
    expect((await run(['sync', 'pull', 'j'])).code).toBe(0);
    await run(['exec', 'j', '--no-sync', '--', 'sh', '-c', 'echo remote again > clash.txt']);
    await writeFile(join(project.path, 'clash.txt'), 'local\n');
    const result = await run(['sync', 'push', 'j', '--json']);
    expect(result.code).toBe(4);
    expect(jsonError(result)).toMatchObject({ message: expect.stringContaining('clash.txt') });
  });

  it('5: a sandbox that does not exist', async () => {
    const result = await run(['sandbox', 'info', 'ghost', '--json']);
    expect(result.code).toBe(5);
    expect(jsonError(result)).toMatchObject({ message: expect.stringContaining('ghost') });
  });

  it('70: a bug in a plugin, redacted, never with a stack', async () => {
    const file = join(project.path, 'keyed.toml');
    const plugin = join(FIXTURES, 'plugins', 'keyed.js');
    await writeFile(
      file,
      `[plugins]\npaths = ["${plugin}"]\n\n[remote.keyed]\napi_key_env = "MY_KEYED_KEY"\n`,
    );
    const result = await run(['-c', file, 'sandbox', 'create', 'k', '-B', 'keyed', '--json'], undefined, {
      MY_KEYED_KEY: secret,
    });
    expect(result.code).toBe(70);
    const error = jsonError(result);
    expect(error.code).toBe('INTERNAL');
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('the words after -- belong to the command: a --json there changes nothing', async () => {
    const result = await run(['exec', 'ghost', '--', 'echo', '--json']);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
  });
});
