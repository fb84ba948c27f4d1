import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFakeE2B, type FakeE2B } from '@agentkernel/backend-e2b/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, json, REPO_ROOT, tempDir } from './helpers.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The CLI driving a hosted provider's plugin, found by discovery from this repository (not through
 * `[plugins] paths`, as e2b-cli.test.ts does), against the in-process offline E2B fake: file copies and
 * credential handling. The sync and snapshot flow against `serve.js` is in e2b-cli.test.ts.
 */
describe('the E2B backend through the CLI, against the offline fake', () => {
  let fake: FakeE2B;
  let home: Awaited<ReturnType<typeof tempDir>>;
  let cloudId = '';
  const run = (...args: string[]) =>
    agentkernel(args, { home: home.path, cwd: REPO_ROOT, env: { ...fake.env } });

  beforeAll(async () => {
    fake = await startFakeE2B();
    home = await tempDir('e2b');
  });
  afterAll(async () => {
    await run('sandbox', 'remove', 'cloud', '--force');
    await fake.close();
    await home.cleanup();
  });

  it('creates, runs with exit-code propagation, lists and copies files', async () => {
    expect((await run('sandbox', 'create', 'cloud', '-B', 'e2b')).code).toBe(0);
    expect(fake.sandboxes()).toHaveLength(1);
    cloudId = json<{ id: string }>(await run('sandbox', 'info', 'cloud', '--json')).id;
    expect(fake.sandboxes()[0]?.sandboxID).toBe(cloudId);
    const result = await run('exec', 'cloud', '--', 'sh', '-c', 'echo hi; exit 7');
    expect(result.stdout).toBe('hi\n');
    expect(result.code).toBe(7);
    expect(
      json<{ name: string; backend: string; status: string }[]>(await run('sandbox', 'list', '--json')),
    ).toEqual([expect.objectContaining({ name: 'cloud', backend: 'e2b', status: 'running' })]);

    const scratch = await tempDir('e2b-cp');
    try {
      const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));
      await writeFile(join(scratch.path, 'in.bin'), bytes);
      expect((await run('sandbox', 'cp', join(scratch.path, 'in.bin'), 'cloud:data/in.bin')).code).toBe(0);
      expect((await run('sandbox', 'cp', 'cloud:data/in.bin', join(scratch.path, 'out.bin'))).code).toBe(0);
      expect(readFileSync(join(scratch.path, 'out.bin')).equals(bytes)).toBe(true);
    } finally {
      await scratch.cleanup();
    }
  });

  it('keeps the API key out of state, output and debug logs', async () => {
    const debug = await run('sandbox', 'info', 'cloud', '--json', '--debug');
    expect(debug.code).toBe(0);
    expect(debug.stdout + debug.stderr).not.toContain(fake.apiKey);
    expect(debug.stderr).toContain('credential api_key from env:E2B_API_KEY');
    for (const file of filesUnder(home.path)) expect(readFileSync(file).includes(fake.apiKey)).toBe(false);
  });

  it('without credentials, create exits 2 naming the variable', async () => {
    const result = await agentkernel(['sandbox', 'create', 'nokey', '-B', 'e2b'], {
      home: home.path,
      cwd: REPO_ROOT,
      env: { E2B_API_URL: fake.url, E2B_SANDBOX_URL: fake.url },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('E2B_API_KEY');
  });

  it('remove destroys it at the provider', async () => {
    expect((await run('sandbox', 'remove', 'cloud')).code).toBe(0);
    // The snapshot's provider-side sandbox may stay; the one we made must be gone.
    expect(fake.sandboxes().map((sandbox) => sandbox.sandboxID)).not.toContain(cloudId);
  });
});
