// The audit log: what the CLI did to each sandbox, in agentkernel's entry format, shown by
// `sandbox info` (the newest five) and kept across commands in $AGENTKERNEL_HOME/audit.jsonl.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, expectExit, json, tempDir, type CliResult } from './helpers.js';

interface Entry {
  type: string;
  timestamp: string;
  pid: number;
  sandbox?: string;
  name?: string;
  command?: string[];
  exit_code?: number | null;
  path?: string;
}

let home: Awaited<ReturnType<typeof tempDir>>;
const run = (...args: string[]): Promise<CliResult> => agentkernel(args, { home: home.path });

beforeAll(async () => {
  home = await tempDir('audit-home');
});
afterAll(async () => {
  await run('sandbox', 'remove', 'aud', '--force');
  await home.cleanup();
});

describe('the audit log', () => {
  it('records each command, copy and lifecycle step, and sandbox info shows the newest five', async () => {
    expectExit('create', await run('sandbox', 'create', 'aud'), 0);
    expectExit('exec', await run('exec', 'aud', '--', 'sh', '-c', 'exit 3'), 3);
    await writeFile(join(home.path, 'in.txt'), 'copied\n');
    expectExit('cp in', await run('sandbox', 'cp', join(home.path, 'in.txt'), 'aud:/workspace/in.txt'), 0);
    expectExit('stop', await run('sandbox', 'stop', 'aud'), 0);
    expectExit('start', await run('sandbox', 'start', 'aud'), 0);

    const info = expectExit('info --json', await run('sandbox', 'info', 'aud', '--json'), 0);
    const recent = json<{ recentActivity: Entry[] }>(info).recentActivity;
    expect(recent.map((entry) => entry.type)).toEqual([
      'sandbox_created',
      'command_executed',
      'file_written',
      'sandbox_stopped',
      'sandbox_started',
    ]);
    expect(recent[1]).toMatchObject({ sandbox: 'aud', command: ['sh', '-c', 'exit 3'], exit_code: 3 });
    expect(recent[2]).toMatchObject({ sandbox: 'aud', path: '/workspace/in.txt' });

    expectExit('exec again', await run('exec', 'aud', '--', 'true'), 0);
    const text = expectExit('info', await run('sandbox', 'info', 'aud'), 0).stdout;
    expect(text).toContain('recent activity:');
    expect(text).not.toContain('created on local');
    expect(text).toMatch(/exec "true" \(exit code 0\)/);
  });

  it('starts afresh for a new sandbox of the same name, and logs the removal', async () => {
    expectExit('remove', await run('sandbox', 'remove', 'aud'), 0);
    expectExit('create again', await run('sandbox', 'create', 'aud'), 0);
    const recent = json<{ recentActivity: Entry[] }>(
      expectExit('info --json', await run('sandbox', 'info', 'aud', '--json'), 0),
    ).recentActivity;
    expect(recent.map((entry) => entry.type)).toEqual(['sandbox_created']);

    const lines = (await readFile(join(home.path, 'audit.jsonl'), 'utf8')).trim().split('\n');
    const types = lines.map((line) => (JSON.parse(line) as Entry).type);
    expect(types.slice(-2)).toEqual(['sandbox_removed', 'sandbox_created']);
  });

  it('is not written when AGENTKERNEL_AUDIT=0', async () => {
    const quiet = await tempDir('audit-off');
    try {
      const off = { home: quiet.path, env: { AGENTKERNEL_AUDIT: '0' } };
      expectExit('create', await agentkernel(['sandbox', 'create', 'q'], off), 0);
      expectExit('remove', await agentkernel(['sandbox', 'remove', 'q'], off), 0);
      await expect(readFile(join(quiet.path, 'audit.jsonl'))).rejects.toThrow(/ENOENT/);
    } finally {
      await quiet.cleanup();
    }
  });
});
