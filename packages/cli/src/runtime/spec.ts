import {
  DEFAULT_WORKSPACE_DIR,
  parseDuration,
  UsageError,
  type LoadedConfig,
  type RemoteProfile,
  type SandboxSpec,
} from '@agentkernel/core';
import { parseLabels } from './labels.js';

/** The flags of `sandbox create` and `run` that shape a sandbox; unset flags fall back to the config. */
export interface CreationFlags {
  readonly image?: string;
  readonly vcpus?: number;
  readonly memoryMb?: number;
  readonly port?: readonly number[];
  /** `-p/--publish` as agentkernel writes it: `80`, `8080:80`, `3000/udp`, `8080:80/tcp`. */
  readonly publish?: readonly string[];
  readonly network?: boolean;
  readonly profile?: string;
  readonly mountCwd?: boolean;
  /** `--ttl`: a duration, `0` for none. */
  readonly ttl?: string;
  /** `--idle-timeout`: a duration. */
  readonly idleTimeout?: string;
  /** `-l/--label key=value`, repeatable. */
  readonly label?: readonly string[];
}

export interface Creation {
  readonly spec: SandboxSpec;
  /** How long the sandbox lives from its create, in ms; absent: no TTL. */
  readonly ttlMs?: number;
  readonly profile?: RemoteProfile;
  readonly mountCwd: boolean;
  /** What the flags asked for that the sandbox cannot honour as written, to print as warnings. */
  readonly notes?: readonly string[];
}

/**
 * The sandbox ports of `--publish` values. A sandbox serves container ports; the host side is the
 * backend's to choose (a free local port, a provider URL), so a host port given is noted, not honoured,
 * and only TCP is forwarded anywhere.
 */
export function publishedPorts(values: readonly string[]): { ports: number[]; notes: string[] } {
  const ports: number[] = [];
  const notes: string[] = [];
  for (const value of values) {
    const match = /^(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/i.exec(value.trim());
    if (!match) {
      throw new UsageError(
        `--publish ${JSON.stringify(value)}: write PORT, HOST:PORT or PORT/udp (e.g. 8080:80 or 3000)`,
      );
    }
    const [, host, container, protocol] = match;
    const port = Number(container);
    ports.push(port);
    if (host !== undefined && Number(host) !== port)
      notes.push(
        `--publish ${value}: the sandbox serves port ${port}; the backend picks the address it is reached at (see sandbox info), not host port ${host}`,
      );
    if (protocol?.toLowerCase() === 'udp')
      notes.push(`--publish ${value}: only TCP is forwarded; port ${port} is published as TCP`);
  }
  return { ports, notes };
}

function positiveInteger(flag: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${flag} ${value}: give a whole number of at least 1`);
  return value;
}

function ports(values: readonly number[]): number[] {
  for (const port of values) {
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new UsageError(`--port ${port}: give a port between 1 and 65535`);
  }
  return [...new Set(values)];
}

/**
 * The profile to prepare the sandbox with: `--profile`, else the backend table's `profile` key, else
 * `[remote] default_profile`. Naming one that is not defined is a usage error listing those that are.
 */
function chooseProfile(
  loaded: LoadedConfig,
  backend: string,
  flag: string | undefined,
): RemoteProfile | undefined {
  const { remote } = loaded.config;
  const fromTable = remote.providers[backend]?.profile;
  const name = flag ?? (typeof fromTable === 'string' ? fromTable : undefined) ?? remote.defaultProfile;
  if (name === undefined) return undefined;
  const profile = remote.profiles[name];
  if (profile) return profile;
  const known = Object.keys(remote.profiles);
  throw new UsageError(
    `no profile named "${name}"${loaded.file ? ` in ${loaded.file}` : ''}: ${known.length ? `defined profiles: ${known.join(', ')}` : 'define it as a [remote.profiles.<name>] table'}`,
  );
}

/** `--ttl` over `[sandbox] ttl`; `0` (either way) means none. */
function ttlOf(loaded: LoadedConfig, flag: string | undefined): number | undefined {
  const ms = flag === undefined ? loaded.config.sandbox.ttlMs : parseDuration(flag, '--ttl');
  return ms === undefined || ms === 0 ? undefined : ms;
}

function idleTimeoutOf(loaded: LoadedConfig, flag: string | undefined): number | undefined {
  if (flag === undefined) return loaded.config.sandbox.idleTimeoutMs;
  const ms = parseDuration(flag, '--idle-timeout');
  if (ms < 1000) throw new UsageError(`--idle-timeout ${JSON.stringify(flag)}: give at least 1s`);
  return ms;
}

/** Merges flags over `agentkernel.toml` into what `Backend.create` gets. */
export function creationFor(
  loaded: LoadedConfig,
  backend: string,
  name: string,
  flags: CreationFlags,
): Creation {
  const { config } = loaded;
  const profile = chooseProfile(loaded, backend, flags.profile);
  const image = flags.image ?? profile?.image ?? config.sandbox.baseImage;
  const vcpus = positiveInteger('vcpus', flags.vcpus) ?? config.resources.vcpus;
  const memoryMb = positiveInteger('memory-mb', flags.memoryMb) ?? config.resources.memoryMb;
  const published = publishedPorts(flags.publish ?? []);
  const asked = flags.port || flags.publish ? [...(flags.port ?? []), ...published.ports] : undefined;
  const ttlMs = ttlOf(loaded, flags.ttl);
  const idleTimeoutMs = idleTimeoutOf(loaded, flags.idleTimeout);
  const spec: SandboxSpec = {
    name,
    ...(image === undefined ? {} : { image }),
    ...(vcpus === undefined ? {} : { vcpus }),
    ...(memoryMb === undefined ? {} : { memoryMb }),
    network: flags.network ?? config.security.network,
    ports: ports(asked ?? config.network.ports),
    env: { ...(profile?.env ?? {}) },
    workspaceDir: profile?.workspaceDir ?? DEFAULT_WORKSPACE_DIR,
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
    labels: parseLabels(flags.label ?? [], '=', '--label'),
  };
  return {
    spec,
    ...(ttlMs === undefined ? {} : { ttlMs }),
    ...(profile ? { profile } : {}),
    mountCwd: flags.mountCwd ?? config.security.mountCwd,
    ...(published.notes.length > 0 ? { notes: published.notes } : {}),
  };
}
