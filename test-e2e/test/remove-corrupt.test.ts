import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, json, tempDir } from './helpers.js';

describe('recovery commands work on broken state', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  const run = (args: string[]) => agentkernel(args, { home: home.path, cwd: home.path });
  const stateFile = () => join(home.path, 'sandboxes', 'broken.json');

  beforeAll(async () => {
    home = await tempDir('remove-corrupt-home');
  });
  afterAll(async () => {
    await home.cleanup();
  });

  it('sandbox remove refuses a corrupt record without --force, naming the file', async () => {
    expect((await run(['sandbox', 'create', 'broken'])).code).toBe(0);
    await writeFile(stateFile(), '{ "name": "broken", ');
    const result = await run(['sandbox', 'remove', 'broken']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`state file ${stateFile()} is corrupt`);
    expect(existsSync(stateFile())).toBe(true);
  });

  it('sandbox remove --force clears it, says what it could not do, and a second run finds nothing', async () => {
    const result = await run(['sandbox', 'remove', 'broken', '--force', '--json']);
    expect(result.code).toBe(0);
    expect(json(result)).toEqual({ name: 'broken', removed: true });
    expect(result.stderr).toContain('is corrupt');
    expect(result.stderr).toContain('If sandbox broken still exists at its provider, remove it there');
    expect(existsSync(stateFile())).toBe(false);
    const again = await run(['sandbox', 'remove', 'broken', '--force', '--json']);
    expect(json(again)).toEqual({ name: 'broken', removed: false });
    expect((await run(['sandbox', 'list', '--json'])).code).toBe(0);
  });
});
