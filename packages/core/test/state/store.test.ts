import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clearSecrets,
  NotFoundError,
  registerSecret,
  resolveHome,
  StateError,
  StateStore,
  UsageError,
} from '../../src/index.js';
import { sampleRecord } from './records.js';

let home: string;
let store: StateStore;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'agentkernel-state-'));
  store = new StateStore(home);
});

afterEach(async () => {
  clearSecrets();
  await rm(home, { recursive: true, force: true });
});

describe('StateStore paths', () => {
  it('lays out sandboxes, sync manifests, snapshots and locks under the home', () => {
    expect(store.sandboxFile('dev')).toBe(join(home, 'sandboxes', 'dev.json'));
    expect(store.syncManifestFile('dev')).toBe(join(home, 'sandboxes', 'dev.sync.json'));
    expect(store.snapshotsDir).toBe(join(home, 'snapshots'));
    expect(store.lockFile('dev')).toBe(join(home, 'locks', 'dev.lock'));
  });

  it.each(['../escape', 'a/b', '', '.hidden', 'x--y'])(
    'rejects the name %j before building a path',
    (name) => {
      expect(() => store.sandboxFile(name)).toThrow(UsageError);
      expect(() => store.syncManifestFile(name)).toThrow(UsageError);
      expect(() => store.lockFile(name)).toThrow(UsageError);
    },
  );

  it('respects AGENTKERNEL_HOME', async () => {
    const fromEnv = new StateStore(resolveHome({ AGENTKERNEL_HOME: join(home, 'custom') }));
    await fromEnv.writeSandbox(sampleRecord('dev'));
    expect(JSON.parse(await readFile(join(home, 'custom', 'sandboxes', 'dev.json'), 'utf8')).name).toBe(
      'dev',
    );
  });
});

describe('StateStore records', () => {
  it('round-trips a record, written with mode 0600 and no temporary file left', async () => {
    const record = sampleRecord('dev');
    await store.writeSandbox(record);
    expect(await store.readSandbox('dev')).toEqual(record);
    expect(await store.requireSandbox('dev')).toEqual(record);
    expect((await stat(store.sandboxFile('dev'))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(home, 'sandboxes'))).toEqual(['dev.json']);
  });

  it('returns undefined for a missing sandbox, and requireSandbox says how to list them', async () => {
    expect(await store.readSandbox('nope')).toBeUndefined();
    const error = (await store.requireSandbox('nope').catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('SANDBOX_NOT_FOUND');
    expect(error.exitCode).toBe(5);
    expect(error.message).toBe('[agentkernel] no sandbox named "nope"');
    expect(error.hint).toContain('agentkernel sandbox list');
  });

  it.each([
    ['{"version": 1, "name": "dev"', /not valid JSON/],
    ['[]', /not a JSON object/],
    [JSON.stringify({ ...sampleRecord('dev'), version: 2 }), /version 2 is not supported/],
    [JSON.stringify({ ...sampleRecord('dev'), ports: ['80'] }), /"ports" must be a list of port numbers/],
    [JSON.stringify(sampleRecord('other')), /it describes sandbox "other"/],
    [
      JSON.stringify({ ...sampleRecord('dev'), ref: { backend: 'e2b', id: 'i', metadata: { n: 1 } } }),
      /"ref.metadata.n" must be a string/,
    ],
  ])('reports a corrupt file %# by its path', async (text, problem) => {
    await mkdir(join(home, 'sandboxes'), { recursive: true });
    await writeFile(store.sandboxFile('dev'), text);
    const error = (await store.readSandbox('dev').catch((e: unknown) => e)) as StateError;
    expect(error).toBeInstanceOf(StateError);
    expect(error.code).toBe('STATE_CORRUPT');
    expect(error.message).toContain(`state file ${store.sandboxFile('dev')} is corrupt: `);
    expect(error.message).toMatch(problem);
  });

  it('refuses a record whose ref metadata is not all strings, writing nothing', async () => {
    const bad = sampleRecord('dev', {
      ref: { backend: 'e2b', id: 'i', metadata: { port: 8080 as unknown as string } },
    });
    await expect(store.writeSandbox(bad)).rejects.toMatchObject({
      code: 'STATE_INVALID_RECORD',
      message: expect.stringContaining('"ref.metadata.port" must be a string, found 8080'),
    });
    expect(await store.readSandbox('dev')).toBeUndefined();
  });

  it('never writes a secret: a record holding one is refused, and written records do not contain it', async () => {
    const secret = 'e2b_sk_live_0123456789abcdef';
    registerSecret(secret);
    const leaky = sampleRecord('dev', { ref: { backend: 'e2b', id: 'i', metadata: { token: secret } } });
    const error = (await store.writeSandbox(leaky).catch((e: unknown) => e)) as StateError;
    expect(error.code).toBe('STATE_SECRET');
    expect(error.message).toContain('ref.metadata.token holds a credential value');
    expect(error.message).not.toContain(secret);
    expect(await store.readSandbox('dev')).toBeUndefined();

    await store.writeSandbox(sampleRecord('dev'));
    const files = await readdir(join(home, 'sandboxes'));
    for (const file of files)
      expect(await readFile(join(home, 'sandboxes', file), 'utf8')).not.toContain(secret);
    expect(files).toEqual(['dev.json']);
  });

  it('removes a record with its sync manifest', async () => {
    await store.writeSandbox(sampleRecord('dev'));
    await writeFile(store.syncManifestFile('dev'), '{}');
    await store.removeSandbox('dev');
    expect(await readdir(join(home, 'sandboxes'))).toEqual([]);
    await store.removeSandbox('dev');
  });

  it('lists records by name and reports bad files as problems', async () => {
    await store.writeSandbox(sampleRecord('b'));
    await store.writeSandbox(sampleRecord('a'));
    await writeFile(store.syncManifestFile('a'), '{}');
    await writeFile(store.sandboxFile('broken'), 'not json');
    await writeFile(join(home, 'sandboxes', 'bad..name.json'), '{}');
    await writeFile(join(home, 'sandboxes', '.dev.json.1.abc.tmp'), 'partial');
    const { records, problems } = await store.listSandboxes();
    expect(records.map((r) => r.name)).toEqual(['a', 'b']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(`${join(home, 'sandboxes', 'bad..name.json')}: not a valid sandbox name`);
    expect(problems[1]).toContain(`state file ${store.sandboxFile('broken')} is corrupt`);
  });

  it('lists nothing when the home does not exist yet', async () => {
    expect(await new StateStore(join(home, 'absent')).listSandboxes()).toEqual({ records: [], problems: [] });
  });
});
