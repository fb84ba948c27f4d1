// The real, pinned SDK against the offline Modal directly: the wire behaviours the adapter relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModalClient, type App, type Sandbox } from 'modal';
import { Status } from '@agentkernel/fake-kit';
import { startFakeModal, type FakeModal } from '../src/testing/index.js';
import { loadModalProtocol } from '../src/testing/sdk-protocol.js';

let fake: FakeModal;
let modal: ModalClient;
let app: App;

/** A client for the fake: the SDK reads its server URL from the environment when constructed. */
function clientFor(target: FakeModal, tokenSecret = target.tokenSecret): ModalClient {
  const saved = process.env.MODAL_SERVER_URL;
  process.env.MODAL_SERVER_URL = target.url;
  try {
    return new ModalClient({ tokenId: target.tokenId, tokenSecret, logLevel: 'error' });
  } finally {
    if (saved === undefined) delete process.env.MODAL_SERVER_URL;
    else process.env.MODAL_SERVER_URL = saved;
  }
}

async function output(
  sandbox: Sandbox,
  argv: string[],
  stdin?: Uint8Array,
): Promise<[string, string, number]> {
  const proc = await sandbox.exec(argv, { mode: 'binary' });
  const writer = proc.stdin.getWriter();
  if (stdin !== undefined) await writer.write(stdin);
  await writer.close();
  const [out, err, code] = await Promise.all([proc.stdout.readBytes(), proc.stderr.readBytes(), proc.wait()]);
  return [Buffer.from(out).toString(), Buffer.from(err).toString(), code];
}

beforeAll(async () => {
  fake = await startFakeModal();
  modal = clientFor(fake);
  app = await modal.apps.fromName('fake-grpc-test', { createIfMissing: true });
}, 30_000);
afterAll(async () => {
  modal?.close();
  await fake?.close();
});

describe('the offline Modal, spoken to by the real SDK', () => {
  it('encodes with the codecs of the installed SDK itself', () => {
    const protocol = loadModalProtocol();
    expect(protocol.version).toBe('0.11.1');
    expect(protocol.ModalClientDefinition.fullName).toBe('modal.client.ModalClient');
    expect(protocol.TaskCommandRouterDefinition.fullName).toBe('modal.task_command_router.TaskCommandRouter');
    expect(Object.keys(protocol.TaskCommandRouterDefinition.methods)).toEqual(
      expect.arrayContaining([
        'taskExecStart',
        'taskExecStdioRead',
        'taskExecStdinWriteStream',
        'taskSnapshotFilesystem',
      ]),
    );
  });

  it('refuses a wrong token secret with UNAUTHENTICATED, and an unknown app with NOT_FOUND', async () => {
    const wrong = clientFor(fake, 'as-wrong');
    const error = (await wrong.apps
      .fromName('x', { createIfMissing: true })
      .catch((caught: unknown) => caught)) as {
      code?: number;
    };
    expect(error.code).toBe(Status.UNAUTHENTICATED);
    wrong.close();
    await expect(modal.apps.fromName('no-such-app')).rejects.toThrow(/not found/);
  });

  it('runs commands for real, with separate stdout and stderr, env, workdir and exit codes', async () => {
    const sandbox = await modal.sandboxes.create(app, modal.images.fromRegistry('alpine:3.21'), {
      env: { FROM_CREATE: 'c' },
    });
    const proc = await sandbox.exec(
      ['sh', '-c', 'echo "$FROM_CREATE$FROM_EXEC" $(pwd); echo e >&2; exit 7'],
      {
        mode: 'binary',
        workdir: '/tmp',
        env: { FROM_EXEC: 'x' },
      },
    );
    const [out, err, code] = await Promise.all([
      proc.stdout.readBytes(),
      proc.stderr.readBytes(),
      proc.wait(),
    ]);
    expect([Buffer.from(out).toString(), Buffer.from(err).toString(), code]).toEqual(['cx /tmp\n', 'e\n', 7]);
    await sandbox.terminate();
  });

  it('a create retried after its answer was lost returns the sandbox the first attempt made', async () => {
    const before = fake.sandboxes().length;
    fake.injectFault({ kind: 'drop-response', match: '/SandboxCreateV2' });
    const sandbox = await modal.sandboxes.create(app, modal.images.fromRegistry('alpine:3.21'));
    expect(fake.sandboxes().length - before).toBe(1);
    expect(
      fake
        .calls()
        .filter((call) => call.path.endsWith('/SandboxCreateV2'))
        .slice(-2),
    ).toEqual([
      { path: '/modal.client.ModalClient/SandboxCreateV2', fault: 'drop-response' },
      { path: '/modal.client.ModalClient/SandboxCreateV2' },
    ]);
    await sandbox.terminate();
  });

  it('output read again after a cut stream resumes at its offset; stdin retried is not duplicated', async () => {
    const sandbox = await modal.sandboxes.create(app, modal.images.fromRegistry('alpine:3.21'));
    fake.injectFault({ kind: 'drop', match: '/TaskExecStdioRead' });
    fake.injectFault({ kind: 'drop-response', match: '/TaskExecStdinWrite' });
    const [out, , code] = await output(
      sandbox,
      ['sh', '-c', 'cat; seq 1 3'],
      new TextEncoder().encode('in\n'),
    );
    expect([out, code]).toEqual(['in\n1\n2\n3\n', 0]);
    const faulted = fake
      .calls()
      .filter((call) => call.fault !== undefined)
      .map((call) => `${call.fault} ${call.path}`);
    expect(faulted).toEqual(
      expect.arrayContaining([
        'drop /modal.task_command_router.TaskCommandRouter/TaskExecStdioRead',
        'drop-response /modal.task_command_router.TaskCommandRouter/TaskExecStdinWrite',
      ]),
    );
    await sandbox.terminate();
  });

  it('throttles with a retry-after hint the SDK honours, and answers UNIMPLEMENTED for what it lacks', async () => {
    fake.injectFault({ kind: 'status', match: '/AppGetOrCreate', status: 429, retryAfterSeconds: 0.05 });
    await expect(modal.apps.fromName('fake-grpc-test')).resolves.toMatchObject({ appId: app.appId });
    expect(
      fake
        .calls()
        .filter((call) => call.path.endsWith('/AppGetOrCreate'))
        .slice(-2),
    ).toEqual([
      { path: '/modal.client.ModalClient/AppGetOrCreate', fault: 'status' },
      { path: '/modal.client.ModalClient/AppGetOrCreate' },
    ]);
    // Without the hint the SDK does not retry a throttle: RESOURCE_EXHAUSTED reaches the caller.
    fake.injectFault({ kind: 'status', match: '/AppGetOrCreate', status: 429 });
    await expect(modal.apps.fromName('fake-grpc-test')).rejects.toMatchObject({
      code: Status.RESOURCE_EXHAUSTED,
    });
    await expect(modal.volumes.fromName('v', { createIfMissing: true })).rejects.toMatchObject({
      code: Status.UNIMPLEMENTED,
    });
  });

  it('fs-tools: Modal-style errors, and a write leaves no temporary file behind', async () => {
    const sandbox = await modal.sandboxes.create(app, modal.images.fromRegistry('alpine:3.21'));
    await sandbox.filesystem.writeText('x', '/workspace/dir/file');
    await expect(sandbox.filesystem.readText('/workspace/missing')).rejects.toThrow(/No such file/);
    await expect(sandbox.filesystem.readText('/workspace/dir')).rejects.toThrow(/Is a directory/);
    await expect(sandbox.filesystem.writeText('y', '/workspace/dir/file/under')).rejects.toThrow(
      /Not a directory/,
    );
    await expect(
      sandbox.filesystem.makeDirectory('/workspace/dir', { createParents: false }),
    ).rejects.toThrow(/File exists/);
    await expect(sandbox.filesystem.remove('/workspace/dir')).rejects.toThrow(/not empty/);
    await expect(sandbox.filesystem.stat('/workspace/dir')).rejects.toThrow(/does not implement Stat/);
    const [listing] = await output(sandbox, ['ls', '-A', '/workspace/dir']);
    expect(listing).toBe('file\n');
    await sandbox.terminate();
    await expect(sandbox.exec(['true'])).rejects.toThrow(/finished|not found/);
  });
});
