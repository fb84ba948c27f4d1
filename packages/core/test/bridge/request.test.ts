import { describe, expect, it } from 'vitest';
import {
  BRIDGE_OPERATIONS,
  encodeBridgeRequest,
  MAX_REQUEST_BYTES,
  parseBridgeRequest,
  type ParsedRequest,
} from '../../src/index.js';

function errorOf(parsed: ParsedRequest): string {
  if (parsed.ok) throw new Error(`expected a failure, got ${JSON.stringify(parsed.request)}`);
  return parsed.error;
}

const parse = (request: Record<string, unknown>): ParsedRequest =>
  parseBridgeRequest(encodeBridgeRequest(request));

describe('parseBridgeRequest', () => {
  it('lists the sixteen operations of agentkernel', () => {
    expect(BRIDGE_OPERATIONS).toHaveLength(16);
    expect(new Set(BRIDGE_OPERATIONS).size).toBe(16);
  });

  it('decodes a create request as agentkernel writes it, keeping every field', () => {
    const body = {
      operation: 'create',
      sandbox_name: 'demo',
      remote_metadata: { last_known_status: 'stopped' },
      profile: 'base',
      image: 'base',
      vcpus: 2,
      memory_mb: 1024,
      network: true,
      read_only: false,
      env: { A: '1' },
      ports: [{ host_port: null, container_port: 3000, protocol: 'tcp' }],
      path: '/workspace',
      unknown_future_field: 42,
    };
    const parsed = parse(body);
    expect(parsed).toEqual({
      ok: true,
      request: {
        operation: 'create',
        sandbox_name: 'demo',
        remote_metadata: { last_known_status: 'stopped' },
        profile: 'base',
        image: 'base',
        vcpus: 2,
        memory_mb: 1024,
        network: true,
        read_only: false,
        env: { A: '1' },
        ports: [{ host_port: null, container_port: 3000, protocol: 'tcp' }],
        path: '/workspace',
      },
    });
  });

  it('accepts every operation with its required fields', () => {
    for (const operation of BRIDGE_OPERATIONS) {
      const parsed = parse({
        operation,
        sandbox_name: 's1',
        remote_id: 'r1',
        command: ['true'],
        path: '/workspace/a',
        content_base64: '',
        local_path: '/tmp/project',
        snapshot_name: 'r1:snap',
      });
      expect(parsed.ok, operation).toBe(true);
    }
  });

  it.each([
    ['', 'the request is empty'],
    ['not base64!', 'not valid base64'],
    ['abc', 'not valid base64'],
    [Buffer.from('{not json').toString('base64'), 'not valid JSON'],
    [Buffer.from('[1,2]').toString('base64'), '"request" must be an object, got an array'],
    [Buffer.from('"create"').toString('base64'), '"request" must be an object'],
    [Buffer.from('null').toString('base64'), '"request" must be an object, got null'],
  ])('refuses the payload %j: %s', (payload, message) => {
    const error = errorOf(parseBridgeRequest(payload));
    expect(error).toContain('invalid bridge request');
    expect(error).toContain(message);
  });

  it('refuses an oversized payload before decoding it', () => {
    const error = errorOf(parseBridgeRequest('A'.repeat(MAX_REQUEST_BYTES + 4)));
    expect(error).toContain(`at most ${MAX_REQUEST_BYTES}`);
  });

  it.each([
    [{ sandbox_name: 's' }, 'the request has no "operation"'],
    [
      { operation: 'explode', sandbox_name: 's' },
      'unknown operation "explode"; expected one of create, resume',
    ],
    [{ operation: 42, sandbox_name: 's' }, 'unknown operation 42'],
    [{ operation: 'create' }, 'the request has no "sandbox_name"'],
    [{ operation: 'create', sandbox_name: '../etc' }, '"sandbox_name" "../etc" is not a valid sandbox name'],
    [{ operation: 'create', sandbox_name: 7 }, '"sandbox_name" must be a string, got number 7'],
    [{ operation: 'status', sandbox_name: 's' }, 'status requires "remote_id"'],
    [{ operation: 'exec', sandbox_name: 's', remote_id: 'r' }, 'exec requires "command"'],
    [{ operation: 'exec', sandbox_name: 's', remote_id: 'r', command: [] }, 'non-empty "command"'],
    [{ operation: 'exec', sandbox_name: 's', remote_id: 'r', command: 'ls' }, '"command" must be an array'],
    [
      { operation: 'exec', sandbox_name: 's', remote_id: 'r', command: ['ls', 1] },
      '"command[1]" must be a string',
    ],
    [{ operation: 'create', sandbox_name: 's', vcpus: 0 }, '"vcpus" must be a whole number of at least 1'],
    [{ operation: 'create', sandbox_name: 's', vcpus: '2' }, '"vcpus" must be a whole number'],
    [{ operation: 'create', sandbox_name: 's', network: 'yes' }, '"network" must be true or false'],
    [{ operation: 'create', sandbox_name: 's', env: { A: 1 } }, '"env.A" must be a string, got number 1'],
    [{ operation: 'create', sandbox_name: 's', env: ['A=1'] }, '"env" must be an object, got an array'],
    [
      { operation: 'create', sandbox_name: 's', ports: [{ container_port: 70000 }] },
      '"ports[0].container_port" must be a port between 1 and 65535',
    ],
    [
      { operation: 'create', sandbox_name: 's', ports: [{ container_port: 80, protocol: 'sctp' }] },
      '"ports[0].protocol" must be "tcp" or "udp"',
    ],
    [
      { operation: 'read_file', sandbox_name: 's', remote_id: 'r', path: '/workspace/../etc/passwd' },
      '"path" must not contain ".."',
    ],
    [
      { operation: 'read_file', sandbox_name: 's', remote_id: 'r', path: 'relative/file' },
      '"path" must be an absolute path in the sandbox',
    ],
    [
      { operation: 'sync_push', sandbox_name: 's', remote_id: 'r', local_path: '/home/u/../../etc' },
      '"local_path" must not contain ".."',
    ],
    [
      { operation: 'exec', sandbox_name: 's', remote_id: 'r', command: ['ls'], workdir: '../..' },
      '"workdir" must not contain ".."',
    ],
    [
      { operation: 'restore', sandbox_name: 's', remote_id: 'r', snapshot_name: '../../x' },
      '"snapshot_name" is not a valid snapshot handle',
    ],
    [
      {
        operation: 'write_file',
        sandbox_name: 's',
        remote_id: 'r',
        path: '/workspace/a',
        content_base64: '%%%',
      },
      '"content_base64" is not valid base64',
    ],
    [
      {
        operation: 'write_file',
        sandbox_name: 's',
        remote_id: 'r',
        path: '/workspace/a\u0000b',
        content_base64: '',
      },
      '"path" must not contain a NUL byte',
    ],
  ])('refuses %j: %s', (body, message) => {
    expect(errorOf(parse(body))).toContain(message);
  });

  it('bounds the size of maps and lists', () => {
    const env = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`K${i}`, 'v']));
    expect(errorOf(parse({ operation: 'create', sandbox_name: 's', env }))).toContain(
      '"env" has 2000 entries',
    );
  });
});
