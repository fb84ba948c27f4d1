import type { NativeSnapshotHandle } from '../contract/backend.js';
import { isValidSandboxName } from '../names.js';

/** The version of the portable snapshot format this core writes and reads. */
export const SNAPSHOT_SPEC_VERSION = 1;

/** Where a snapshot came from. */
export interface SnapshotSource {
  /** The backend plugin name (`local`, `e2b`...). */
  backend: string;
  /** The agentkernel sandbox name. */
  sandbox: string;
  /** The provider's id of the sandbox. */
  remoteId: string;
  /** The image, template or profile the sandbox was created from, when known. */
  image?: string;
  resources: { vcpus: number; memoryMb: number };
  ports: number[];
}

/** The workspace archive of a snapshot. */
export interface SnapshotWorkspace {
  /** The workspace folder in the source sandbox (`/workspace`). */
  dir: string;
  /** Regular files in the archive (hard links count as files). */
  fileCount: number;
  /** Their total size, uncompressed. */
  bytes: number;
  /** Size of `workspace.tar.gz`. */
  archiveBytes: number;
  /** sha256 of `workspace.tar.gz`, checked before any restore. */
  archiveSha256: string;
  /** agentkernel's `workspace_revision` of the archived tree (folders and files, nothing ignored). */
  revision: string;
}

/**
 * `manifest.json` of a portable snapshot (`<snapshots>/<name>/manifest.json` beside
 * `workspace.tar.gz`), `specVersion` 1.
 *
 * The snake_case fields repeat agentkernel's own snapshot metadata (`SnapshotMeta` in its `snapshot.rs`)
 * so its Rust CLI can read the file: `sandbox`, `backend`, `base_image` (the source image),
 * `image_tag` (for remote backends agentkernel stores the base image here too), `vcpus`, `memory_mb`,
 * `created_at` (RFC 3339) and `remote_snapshot` (the provider's opaque snapshot handle, present only
 * with a native snapshot).
 */
export interface SnapshotManifest {
  specVersion: typeof SNAPSHOT_SPEC_VERSION;
  name: string;
  /** ISO 8601 UTC time the snapshot was taken. */
  createdAt: string;
  source: SnapshotSource;
  workspace: SnapshotWorkspace;
  /** The provider-side snapshot, when one was taken too: the same backend may restore from it. */
  native?: NativeSnapshotHandle;
  sandbox: string;
  image_tag: string;
  backend: string;
  base_image: string;
  vcpus: number;
  memory_mb: number;
  created_at: string;
  remote_snapshot?: string;
}

type Check = (value: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const string: Check = (v) => (typeof v === 'string' && v !== '' ? undefined : 'expected a non-empty string');
const anyString: Check = (v) => (typeof v === 'string' ? undefined : 'expected a string');
const count: Check = (v) =>
  Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : 'expected a non-negative integer';
const sha256: Check = (v) =>
  typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? undefined : 'expected a sha256 hex digest';
const timestamp: Check = (v) =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? undefined : 'expected an ISO 8601 time';
const name: Check = (v) =>
  typeof v === 'string' && isValidSandboxName(v) ? undefined : 'expected a valid snapshot name';
const ports: Check = (v) =>
  Array.isArray(v) && v.every((p) => Number.isInteger(p) && (p as number) > 0 && (p as number) < 65536)
    ? undefined
    : 'expected a list of port numbers';
const stringMap: Check = (v) =>
  isObject(v) && Object.values(v).every((x) => typeof x === 'string')
    ? undefined
    : 'expected an object of strings';

/** Field path to check; nested objects are listed by their dotted path. */
const FIELDS: [string, Check, { optional?: boolean }?][] = [
  ['name', name],
  ['createdAt', timestamp],
  ['source.backend', string],
  ['source.sandbox', string],
  ['source.remoteId', string],
  ['source.image', anyString, { optional: true }],
  ['source.resources.vcpus', count],
  ['source.resources.memoryMb', count],
  ['source.ports', ports],
  ['workspace.dir', string],
  ['workspace.fileCount', count],
  ['workspace.bytes', count],
  ['workspace.archiveBytes', count],
  ['workspace.archiveSha256', sha256],
  ['workspace.revision', sha256],
  ['native.backend', string, { optional: true }],
  ['native.id', string, { optional: true }],
  ['native.metadata', stringMap, { optional: true }],
  ['sandbox', string],
  ['image_tag', anyString],
  ['backend', string],
  ['base_image', anyString],
  ['vcpus', count],
  ['memory_mb', count],
  ['created_at', timestamp],
  ['remote_snapshot', string, { optional: true }],
];

/** The agentkernel fields that repeat ours must agree with them. */
const MIRRORS: [string, string][] = [
  ['sandbox', 'source.sandbox'],
  ['backend', 'source.backend'],
  ['vcpus', 'source.resources.vcpus'],
  ['memory_mb', 'source.resources.memoryMb'],
  ['created_at', 'createdAt'],
];

function lookup(value: unknown, path: string): { found: boolean; value: unknown } {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (!isObject(current) || !(key in current)) return { found: false, value: undefined };
    current = current[key];
  }
  return { found: true, value: current };
}

/**
 * Checks a parsed `manifest.json` and returns it typed, or the problems found, each as
 * `field.path: what was expected`.
 */
export function checkSnapshotManifest(value: unknown): { manifest?: SnapshotManifest; problems: string[] } {
  if (!isObject(value)) return { problems: ['(root): expected an object'] };
  if (value.specVersion !== SNAPSHOT_SPEC_VERSION) {
    return {
      problems: [`specVersion: expected ${SNAPSHOT_SPEC_VERSION}, got ${JSON.stringify(value.specVersion)}`],
    };
  }
  const problems: string[] = [];
  for (const [path, check, flags] of FIELDS) {
    const { found, value: field } = lookup(value, path);
    if (!found) {
      // A native handle is optional, but when present all of it is needed.
      const required = !flags?.optional || (path.startsWith('native.') && isObject(value.native));
      if (required) problems.push(`${path}: missing`);
      continue;
    }
    const problem = check(field);
    if (problem) problems.push(`${path}: ${problem}, got ${JSON.stringify(field)}`);
  }
  if (value.native !== undefined && !isObject(value.native)) problems.push('native: expected an object');
  for (const [mirror, original] of MIRRORS) {
    const a = lookup(value, mirror).value;
    const b = lookup(value, original).value;
    if (a !== undefined && b !== undefined && a !== b)
      problems.push(`${mirror}: must equal ${original} (${JSON.stringify(b)}), got ${JSON.stringify(a)}`);
  }
  return problems.length > 0 ? { problems } : { manifest: value as unknown as SnapshotManifest, problems };
}
