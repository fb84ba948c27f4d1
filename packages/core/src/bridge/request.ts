import { isValidSandboxName } from '../names.js';
import {
  BRIDGE_OPERATIONS,
  type BridgeEndpoint,
  type BridgeOperation,
  type BridgePort,
  type BridgeRequest,
} from './protocol.js';

/**
 * The largest encoded request accepted. agentkernel passes the request as one argument, which Linux
 * caps at 128 KiB and macOS at 1 MiB in all; anything bigger did not come from agentkernel.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** Bounds that keep a hostile request from costing memory or time before it is refused. */
const MAX_MAP_ENTRIES = 1024;
const MAX_LIST_ENTRIES = 4096;

export type ParsedRequest =
  { readonly ok: true; readonly request: BridgeRequest } | { readonly ok: false; readonly error: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether `text` is standard padded base64 (what agentkernel's `STANDARD` engine writes). */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64.test(text);
}

class RequestError extends Error {}

function fail(message: string): never {
  throw new RequestError(message);
}

type Json = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function optional<T>(body: Json, key: string, check: (value: unknown, key: string) => T): T | undefined {
  const value = body[key];
  return value === undefined || value === null ? undefined : check(value, key);
}

function string(value: unknown, key: string): string {
  if (typeof value !== 'string') fail(`"${key}" must be a string, got ${describe(value)}`);
  if (value.includes('\0')) fail(`"${key}" must not contain a NUL byte`);
  return value;
}

function boolean(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') fail(`"${key}" must be true or false, got ${describe(value)}`);
  return value;
}

function count(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    fail(`"${key}" must be a whole number of at least 1, got ${describe(value)}`);
  return value;
}

function port(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535)
    fail(`"${key}" must be a port between 1 and 65535, got ${describe(value)}`);
  return value;
}

function object(value: unknown, key: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(`"${key}" must be an object, got ${describe(value)}`);
  return value as Json;
}

function list(value: unknown, key: string): unknown[] {
  if (!Array.isArray(value)) fail(`"${key}" must be an array, got ${describe(value)}`);
  if (value.length > MAX_LIST_ENTRIES)
    fail(`"${key}" has ${value.length} entries; at most ${MAX_LIST_ENTRIES}`);
  return value;
}

function stringMap(value: unknown, key: string): Record<string, string> {
  const entries = Object.entries(object(value, key));
  if (entries.length > MAX_MAP_ENTRIES)
    fail(`"${key}" has ${entries.length} entries; at most ${MAX_MAP_ENTRIES}`);
  const out: Record<string, string> = {};
  for (const [name, item] of entries) {
    if (name.includes('\0')) fail(`"${key}" has a key with a NUL byte`);
    out[name] = string(item, `${key}.${name}`);
  }
  return out;
}

function protocol(value: unknown, key: string): 'tcp' | 'udp' {
  if (value !== 'tcp' && value !== 'udp') fail(`"${key}" must be "tcp" or "udp", got ${describe(value)}`);
  return value;
}

function ports(value: unknown, key: string): BridgePort[] {
  return list(value, key).map((item, index) => {
    const at = `${key}[${index}]`;
    const entry = object(item, at);
    const host = entry.host_port;
    return {
      host_port: host === undefined || host === null ? null : port(host, `${at}.host_port`),
      container_port: port(entry.container_port, `${at}.container_port`),
      protocol: entry.protocol === undefined ? 'tcp' : protocol(entry.protocol, `${at}.protocol`),
    };
  });
}

function endpoints(value: unknown, key: string): BridgeEndpoint[] {
  return list(value, key).map((item, index) => {
    const at = `${key}[${index}]`;
    const entry = object(item, at);
    return {
      container_port: port(entry.container_port, `${at}.container_port`),
      protocol: entry.protocol === undefined ? 'tcp' : protocol(entry.protocol, `${at}.protocol`),
      url: string(entry.url, `${at}.url`),
    };
  });
}

function command(value: unknown, key: string): string[] {
  return list(value, key).map((item, index) => string(item, `${key}[${index}]`));
}

function hasDotDot(path: string): boolean {
  return path.split('/').includes('..');
}

/** A path inside the sandbox: absolute, without `..` (agentkernel's `validate_sandbox_path`). */
function sandboxPath(value: unknown, key: string): string {
  const path = string(value, key);
  if (!path.startsWith('/'))
    fail(`"${key}" must be an absolute path in the sandbox, got ${JSON.stringify(path)}`);
  if (hasDotDot(path)) fail(`"${key}" must not contain "..", got ${JSON.stringify(path)}`);
  return path;
}

/** A folder of this machine: absolute, without `..`. */
function localPath(value: unknown, key: string): string {
  const path = string(value, key);
  if (!path.startsWith('/')) fail(`"${key}" must be an absolute local path, got ${JSON.stringify(path)}`);
  if (hasDotDot(path)) fail(`"${key}" must not contain "..", got ${JSON.stringify(path)}`);
  return path;
}

/** A working directory: absolute, or relative to the workspace, never climbing out with `..`. */
function workdir(value: unknown, key: string): string {
  const path = string(value, key);
  if (hasDotDot(path)) fail(`"${key}" must not contain "..", got ${JSON.stringify(path)}`);
  return path;
}

function base64(value: unknown, key: string): string {
  const text = string(value, key);
  if (!isBase64(text)) fail(`"${key}" is not valid base64`);
  return text;
}

/** An opaque handle or name: a bounded single line with no path climbing. */
function handle(value: unknown, key: string): string {
  const text = string(value, key);
  if (text === '' || text.length > 512 || /[\n\r]/.test(text) || hasDotDot(text) || text.includes('\\'))
    fail(`"${key}" is not a valid snapshot handle: ${JSON.stringify(text.slice(0, 80))}`);
  return text;
}

/** What each operation cannot do without (besides `operation` and `sandbox_name`). */
const REQUIRED: Readonly<Record<BridgeOperation, readonly (keyof BridgeRequest)[]>> = {
  create: [],
  resume: ['remote_id'],
  status: ['remote_id'],
  stop: ['remote_id'],
  destroy: ['remote_id'],
  exec: ['remote_id', 'command'],
  attach: ['remote_id'],
  write_file: ['remote_id', 'path', 'content_base64'],
  read_file: ['remote_id', 'path'],
  remove_file: ['remote_id', 'path'],
  mkdir: ['remote_id', 'path'],
  sync_push: ['remote_id', 'local_path'],
  sync_pull: ['remote_id', 'local_path'],
  snapshot: ['remote_id'],
  restore: ['remote_id', 'snapshot_name'],
  delete_snapshot: ['snapshot_name'],
};

function isOperation(value: unknown): value is BridgeOperation {
  return typeof value === 'string' && (BRIDGE_OPERATIONS as readonly string[]).includes(value);
}

/** Checks a decoded JSON value field by field; unknown fields are ignored, as agentkernel's serde does. */
export function validateBridgeRequest(value: unknown): BridgeRequest {
  const body = object(value, 'request');
  const operation = body.operation;
  if (operation === undefined) fail('the request has no "operation"');
  if (!isOperation(operation))
    fail(`unknown operation ${JSON.stringify(operation)}; expected one of ${BRIDGE_OPERATIONS.join(', ')}`);
  if (body.sandbox_name === undefined) fail('the request has no "sandbox_name"');
  const name = string(body.sandbox_name, 'sandbox_name');
  if (!isValidSandboxName(name))
    fail(`"sandbox_name" ${JSON.stringify(name.slice(0, 80))} is not a valid sandbox name`);
  const fields = {
    remote_id: optional(body, 'remote_id', string),
    remote_namespace: optional(body, 'remote_namespace', string),
    remote_metadata: optional(body, 'remote_metadata', stringMap),
    workspace_revision: optional(body, 'workspace_revision', string),
    endpoints: optional(body, 'endpoints', endpoints),
    profile: optional(body, 'profile', string),
    image: optional(body, 'image', string),
    vcpus: optional(body, 'vcpus', count),
    memory_mb: optional(body, 'memory_mb', count),
    network: optional(body, 'network', boolean),
    read_only: optional(body, 'read_only', boolean),
    env: optional(body, 'env', stringMap),
    ports: optional(body, 'ports', ports),
    command: optional(body, 'command', command),
    workdir: optional(body, 'workdir', workdir),
    path: optional(body, 'path', sandboxPath),
    content_base64: optional(body, 'content_base64', base64),
    recursive: optional(body, 'recursive', boolean),
    local_path: optional(body, 'local_path', localPath),
    snapshot_name: optional(body, 'snapshot_name', handle),
    shell: optional(body, 'shell', string),
  };
  for (const key of REQUIRED[operation]) {
    if (fields[key as keyof typeof fields] === undefined) fail(`${operation} requires "${key}"`);
  }
  if (operation === 'exec' && fields.command?.length === 0) fail('exec requires a non-empty "command"');
  const request: Record<string, unknown> = { operation, sandbox_name: name };
  for (const [key, item] of Object.entries(fields)) if (item !== undefined) request[key] = item;
  return request as unknown as BridgeRequest;
}

/**
 * Decodes and checks the request argument. Never throws: every problem (too big, not base64, not JSON,
 * an unknown operation, a missing or ill-typed field, a path with `..`) is an `error` naming it.
 */
export function parseBridgeRequest(encoded: string): ParsedRequest {
  try {
    if (encoded.length > MAX_REQUEST_BYTES)
      fail(`the request is ${encoded.length} bytes encoded; at most ${MAX_REQUEST_BYTES} are accepted`);
    const text = encoded.trim();
    if (text === '') fail('the request is empty; expected base64 of a JSON object');
    if (!isBase64(text))
      fail('the request is not valid base64 (expected standard padded base64 of a JSON object)');
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
    } catch (error) {
      fail(`the request is not valid JSON: ${(error as Error).message}`);
    }
    return { ok: true, request: validateBridgeRequest(decoded) };
  } catch (error) {
    if (error instanceof RequestError)
      return { ok: false, error: `invalid bridge request: ${error.message}` };
    throw error;
  }
}

/** Encodes a request as agentkernel does (for drivers and tests). */
export function encodeBridgeRequest(request: BridgeRequest | Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(request), 'utf8').toString('base64');
}
