import type { SandboxRef } from '../contract/backend.js';
import { redact } from '../errors/redactor.js';
import { isValidSandboxName } from '../names.js';

/** What agentkernel keeps about one sandbox in `<home>/sandboxes/<name>.json`. Never a secret. */
export interface SandboxRecord {
  version: 1;
  name: string;
  backend: string;
  /** The backend's reconnect handle: all a later process needs to find the sandbox again. */
  ref: SandboxRef;
  createdAt: string;
  updatedAt: string;
  image?: string;
  vcpus?: number;
  memoryMb?: number;
  network: boolean;
  ports: number[];
  workspaceDir: string;
  /** The local folder synced with `workspaceDir`. */
  projectDir?: string;
  mountCwd: boolean;
  profile?: string;
  /** Labels given at create or changed since (`PATCH /sandboxes/{name}`). */
  labels?: Record<string, string>;
  /** A note about the sandbox, from the HTTP API. */
  description?: string;
  /**
   * When the sandbox's TTL ends (ISO 8601, UTC), from `--ttl` / `[sandbox] ttl`, moved by `extend-ttl`.
   * After it, commands that use the sandbox refuse and `sandbox gc` removes it. Absent: no TTL.
   */
  expiresAt?: string;
  /** The idle timeout asked for at create (`--idle-timeout` / `[sandbox] idle_timeout`), in ms. */
  idleTimeoutMs?: number;
}

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string';
const isBoolean: Check = (v) => typeof v === 'boolean';
const isPositive: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isPort = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;

const FIELDS: readonly [key: string, check: Check, expected: string, optional?: true][] = [
  ['name', (v) => typeof v === 'string' && isValidSandboxName(v), 'a valid sandbox name'],
  ['backend', (v) => typeof v === 'string' && v !== '', 'a backend name'],
  ['createdAt', isString, 'a string'],
  ['updatedAt', isString, 'a string'],
  ['image', isString, 'a string', true],
  ['vcpus', isPositive, 'a positive number', true],
  ['memoryMb', isPositive, 'a positive number', true],
  ['network', isBoolean, 'true or false'],
  ['ports', (v) => Array.isArray(v) && v.every(isPort), 'a list of port numbers'],
  ['workspaceDir', isString, 'a string'],
  ['projectDir', isString, 'a string', true],
  ['mountCwd', isBoolean, 'true or false'],
  ['profile', isString, 'a string', true],
  [
    'labels',
    (v) => isObject(v) && Object.values(v).every((item) => typeof item === 'string'),
    'an object of strings',
    true,
  ],
  ['description', isString, 'a string', true],
  ['expiresAt', (v) => typeof v === 'string' && Number.isFinite(Date.parse(v)), 'an ISO date', true],
  ['idleTimeoutMs', isPositive, 'a positive number', true],
];

/** The first thing wrong with `value` as a {@link SandboxRecord}, or `undefined` when it is one. */
export function recordProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (value.version !== 1) return `version ${JSON.stringify(value.version)} is not supported (expected 1)`;
  for (const [key, check, expected, optional] of FIELDS) {
    const field = value[key];
    if (field === undefined && optional) continue;
    if (!check(field)) return `"${key}" must be ${expected}, found ${JSON.stringify(field)}`;
  }
  const ref = value.ref;
  if (!isObject(ref)) return '"ref" must be an object';
  for (const key of ['backend', 'id'] as const) {
    if (typeof ref[key] !== 'string')
      return `"ref.${key}" must be a string, found ${JSON.stringify(ref[key])}`;
  }
  if (!isObject(ref.metadata)) return '"ref.metadata" must be an object';
  for (const [key, item] of Object.entries(ref.metadata)) {
    if (typeof item !== 'string')
      return `"ref.metadata.${key}" must be a string, found ${JSON.stringify(item)}`;
  }
  return undefined;
}

/**
 * The dotted path of the first key or string in `value` that holds a registered secret, so that a
 * credential that slipped into a ref is refused rather than persisted.
 */
export function secretPath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return redact(value) === value ? undefined : path || '(value)';
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = secretPath(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (redact(key) !== key) return `${path || '(root)'} (a key)`;
      const found = secretPath(item, here);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
