import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearSecrets, registerSecret } from '../../src/errors/redactor.js';
import { AuditLog } from '../../src/state/audit.js';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'ak-audit-'));
});
afterEach(async () => {
  clearSecrets();
  await rm(home, { recursive: true, force: true });
});

describe('the audit log', () => {
  it("keeps each sandbox's events in order, in agentkernel's spelling", async () => {
    const log = new AuditLog(home, {});
    await log.append({ type: 'sandbox_created', name: 'a', image: 'default', backend: 'local' });
    await log.append({ type: 'sandbox_created', name: 'b', image: 'default', backend: 'e2b' });
    await log.append({ type: 'command_executed', sandbox: 'a', command: ['echo', 'hi'], exit_code: 0 });
    await log.append({ type: 'sandbox_removed', name: 'a' });

    const entries = await log.forSandbox('a');
    expect(entries.map((e) => e.type)).toEqual(['sandbox_created', 'command_executed', 'sandbox_removed']);
    expect(entries[1]).toMatchObject({ pid: process.pid, command: ['echo', 'hi'], exit_code: 0 });
    expect(Date.parse(entries[0]?.timestamp ?? '')).not.toBeNaN();
    expect((await log.forSandbox('a', { last: 1 })).map((e) => e.type)).toEqual(['sandbox_removed']);
    expect(await log.forSandbox('nobody')).toEqual([]);
    expect((await stat(log.file)).mode & 0o777).toBe(0o600);
  });

  it('speaks only of the latest sandbox of a name', async () => {
    const log = new AuditLog(home, {});
    await log.append({ type: 'sandbox_created', name: 'a', image: 'default', backend: 'local' });
    await log.append({ type: 'sandbox_removed', name: 'a' });
    await log.append({ type: 'sandbox_created', name: 'a', image: 'default', backend: 'e2b' });
    const entries = await log.forSandbox('a');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: 'sandbox_created', backend: 'e2b' });
  });

  it('never writes a registered secret that a command carried', async () => {
    registerSecret('canary-9f3e1c2d7b');
    const log = new AuditLog(home, {});
    await log.append({
      type: 'command_executed',
      sandbox: 's',
      command: ['curl', '-H', 'Authorization: Bearer canary-9f3e1c2d7b'],
      exit_code: 0,
    });
    expect(await readFile(log.file, 'utf8')).not.toContain('canary-9f3e1c2d7b');
  });

  it('skips torn and foreign lines rather than failing', async () => {
    const log = new AuditLog(home, {});
    await log.append({ type: 'sandbox_stopped', name: 's' });
    await writeFile(log.file, `${await readFile(log.file, 'utf8')}{"type":"sandbox_st\nnot json\n[1,2]\n`);
    await log.append({ type: 'sandbox_started', name: 's', profile: null });
    expect((await log.forSandbox('s')).map((e) => e.type)).toEqual(['sandbox_stopped', 'sandbox_started']);
  });

  it('writes nothing when AGENTKERNEL_AUDIT is 0 or false', async () => {
    for (const value of ['0', 'false', 'FALSE']) {
      const log = new AuditLog(home, { AGENTKERNEL_AUDIT: value });
      await log.append({ type: 'sandbox_stopped', name: 's' });
      await expect(stat(log.file)).rejects.toThrow();
    }
  });

  it('moves a full log aside and still reads both', async () => {
    const log = new AuditLog(home, {});
    await log.append({ type: 'sandbox_created', name: 's', image: 'default', backend: 'local' });
    await writeFile(log.file, `${await readFile(log.file, 'utf8')}${' '.repeat(4 * 1024 * 1024)}\n`);
    await log.append({ type: 'sandbox_removed', name: 's' });
    expect((await stat(log.file)).size).toBeLessThan(1024);
    expect((await log.forSandbox('s')).map((e) => e.type)).toEqual(['sandbox_created', 'sandbox_removed']);
  });
});
