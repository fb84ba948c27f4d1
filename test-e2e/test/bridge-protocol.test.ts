// `agentkernel-bridge` at its edges: usage, hostile requests, stub and missing plugins. Each answer is
// exactly one JSON line with success:false and exit code 1 (never a crash or a stack), except usage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBridgeProcess, type BridgeRun } from '../src/bridge-driver.js';
import { tempDir } from './helpers.js';

let home: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  home = await tempDir('bridge-protocol');
});
afterAll(async () => {
  await home.cleanup();
});

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

function bridge(args: readonly string[], env: Record<string, string> = {}): Promise<BridgeRun> {
  return runBridgeProcess(args, {
    cwd: home.path,
    env: { ...process.env, NO_COLOR: '1', AGENTKERNEL_HOME: home.path, ...env },
  });
}

function expectFailure(run: BridgeRun, message: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  expect(run.response, `stdout: ${run.stdout}`).toBeDefined();
  expect(run.response?.success).toBe(false);
  expect(run.response?.error).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('agentkernel-bridge usage', () => {
  it('--help prints usage on stdout and exits 0', async () => {
    const run = await bridge(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: agentkernel-bridge <provider> <base64-request>/);
    expect(run.stdout).toContain('bridge = "agentkernel-bridge"');
  });

  it('no arguments print usage on stderr and exit 1', async () => {
    const run = await bridge([]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^usage: agentkernel-bridge/);
  });

  it('a provider without a request answers with one JSON failure', async () => {
    expectFailure(await bridge(['local']), /missing the request/);
  });
});

describe('agentkernel-bridge refuses hostile requests with a clear error', () => {
  it.each([
    ['bad base64', '%%%not-base64%%%', /not valid base64/],
    ['bad JSON', Buffer.from('{"operation": "create",').toString('base64'), /not valid JSON/],
    ['a JSON array', encode([1, 2, 3]), /must be an object, got an array/],
    [
      'an unknown operation',
      encode({ operation: 'format_disk', sandbox_name: 's' }),
      /unknown operation "format_disk"/,
    ],
    [
      'a missing field',
      encode({ operation: 'exec', sandbox_name: 's', remote_id: 'r' }),
      /exec requires "command"/,
    ],
    [
      'an ill-typed field',
      encode({ operation: 'create', sandbox_name: 's', vcpus: 'many' }),
      /"vcpus" must be a whole number/,
    ],
    [
      'a path with ..',
      encode({
        operation: 'read_file',
        sandbox_name: 's',
        remote_id: 'r',
        path: '/workspace/../../etc/shadow',
      }),
      /"path" must not contain "\.\."/,
    ],
    [
      'a local_path with ..',
      encode({ operation: 'sync_pull', sandbox_name: 's', remote_id: 'r', local_path: '/tmp/p/../../root' }),
      /"local_path" must not contain "\.\."/,
    ],
    [
      'a sandbox name climbing out of state',
      encode({ operation: 'create', sandbox_name: '../../x' }),
      /not a valid sandbox name/,
    ],
    [
      'a huge env map',
      encode({
        operation: 'create',
        sandbox_name: 's',
        env: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`K${i}`, 'v'])),
      }),
      /"env" has 5000 entries; at most 1024/,
    ],
  ])('%s', async (_what, payload, message) => {
    expectFailure(await bridge(['local', payload]), message);
  });

  it('a provider name that is not a backend name', async () => {
    expectFailure(
      await bridge(['../e2b', encode({ operation: 'create', sandbox_name: 's' })]),
      /invalid provider/,
    );
  });
});

describe('agentkernel-bridge with a backend it cannot serve', () => {
  it('a missing plugin answers that it is not installed, and what agentkernel backends are not available', async () => {
    const missing = await bridge(['nosuchbackend', encode({ operation: 'create', sandbox_name: 's' })]);
    expectFailure(missing, /no backend plugin "nosuchbackend" is installed/);
    const planned = await bridge(['docker', encode({ operation: 'create', sandbox_name: 's' })]);
    expectFailure(planned, /"docker" is an agentkernel backend that is not available yet/);
  });

  it('the agentcomputer stub answers success:false, saying it cannot open sandboxes', async () => {
    const run = await bridge(['agentcomputer', encode({ operation: 'create', sandbox_name: 's' })], {
      AGENTCOMPUTER_API_KEY: 'ac_canary_0123456789abcdef',
    });
    expectFailure(run, /agentcomputer/i);
    expect(run.stdout + run.stderr).not.toContain('ac_canary_0123456789abcdef');
  });

  it('a sandbox the provider never made: status says gone, exec fails naming it', async () => {
    const status = await bridge([
      'local',
      encode({ operation: 'status', sandbox_name: 's', remote_id: 'no-such-id' }),
    ]);
    expect(status.code).toBe(0);
    expect(status.response).toMatchObject({
      success: true,
      running: false,
      remote_metadata: { sandbox_state: 'gone' },
    });
    const exec = await bridge([
      'local',
      encode({ operation: 'exec', sandbox_name: 's', remote_id: 'no-such-id', command: ['true'] }),
    ]);
    expectFailure(exec, /no-such-id no longer exists/);
  });
});
