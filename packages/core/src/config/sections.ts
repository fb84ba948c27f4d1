import { dirname, resolve } from 'node:path';
import { AgentkernelError } from '../errors/errors.js';
import { validateSandboxName } from '../names.js';
import {
  ISOLATION_MODES,
  LOCAL_KEYS,
  MIN_MEMORY_MB,
  MIN_VCPUS,
  NETWORK_KEYS,
  PLUGINS_KEYS,
  RESOURCES_KEYS,
  SANDBOX_KEYS,
  SECURITY_KEYS,
  SECURITY_PROFILES,
} from './schema.js';
import type { AgentkernelConfig, ConfigOrigin } from './types.js';
import {
  describe,
  readBoolean,
  readDuration,
  readInteger,
  readOneOf,
  readString,
  readStringList,
  warnUnknownKeys,
  type IssueSink,
  type Table,
} from './values.js';

export function readSandbox(sink: IssueSink, table: Table): AgentkernelConfig['sandbox'] {
  const path = ['sandbox'];
  warnUnknownKeys(sink, table, path, SANDBOX_KEYS);
  const sandbox: AgentkernelConfig['sandbox'] = {};
  const name = readString(sink, table, path, 'name');
  if (name !== undefined) {
    try {
      sandbox.name = validateSandboxName(name);
    } catch (error) {
      // names.ts owns the rule and its wording; reuse its message rather than restate the rule.
      sink.error([...path, 'name'], AgentkernelError.isInstance(error) ? error.detail : String(error));
    }
  }
  assign(sandbox, 'runtime', readString(sink, table, path, 'runtime'));
  assign(sandbox, 'baseImage', readString(sink, table, path, 'base_image'));
  assign(sandbox, 'backend', readString(sink, table, path, 'backend'));
  const ttl = readDuration(sink, table, path, 'ttl');
  if (ttl !== undefined && ttl > 0) sandbox.ttlMs = ttl;
  const idle = readDuration(sink, table, path, 'idle_timeout');
  if (idle === 0) sink.error([...path, 'idle_timeout'], 'must be more than 0 (leave it out for none)');
  else assign(sandbox, 'idleTimeoutMs', idle);
  return sandbox;
}

export function readResources(sink: IssueSink, table: Table): AgentkernelConfig['resources'] {
  const path = ['resources'];
  warnUnknownKeys(sink, table, path, RESOURCES_KEYS);
  const resources: AgentkernelConfig['resources'] = {};
  assign(resources, 'vcpus', readInteger(sink, table, path, 'vcpus', MIN_VCPUS));
  assign(resources, 'memoryMb', readInteger(sink, table, path, 'memory_mb', MIN_MEMORY_MB));
  return resources;
}

export function readSecurity(
  sink: IssueSink,
  table: Table,
  defaults: AgentkernelConfig['security'],
): AgentkernelConfig['security'] {
  const path = ['security'];
  warnUnknownKeys(sink, table, path, SECURITY_KEYS);
  const profile = readOneOf(sink, table, path, 'profile', SECURITY_PROFILES);
  const security: AgentkernelConfig['security'] = {
    network: readBoolean(sink, table, path, 'network') ?? defaults.network,
    mountCwd: readBoolean(sink, table, path, 'mount_cwd') ?? defaults.mountCwd,
  };
  assign(security, 'profile', profile);
  return security;
}

// agentkernel writes ports as strings ("3000", "8080:80", "53/udp"); integers are accepted too.
const PORT_STRING = /^(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/;
const MAX_PORT = 65535;

export function readNetwork(sink: IssueSink, table: Table): AgentkernelConfig['network'] {
  const path = ['network'];
  warnUnknownKeys(sink, table, path, NETWORK_KEYS);
  const value = table.ports;
  if (value === undefined) return { ports: [] };
  const key = [...path, 'ports'];
  if (!Array.isArray(value)) {
    sink.error(key, `expected an array of ports, got ${describe(value)}`);
    return { ports: [] };
  }
  const ports: number[] = [];
  value.forEach((item: unknown, index) => {
    const port = readPort(sink, key, `[${index}]`, item);
    if (port === undefined) return;
    if (ports.includes(port)) sink.warn(key, `port ${port} is listed more than once`, `[${index}]`);
    else ports.push(port);
  });
  return { ports };
}

function readPort(sink: IssueSink, key: string[], suffix: string, item: unknown): number | undefined {
  let port: unknown = item;
  if (typeof item === 'string') {
    const match = PORT_STRING.exec(item);
    if (!match) {
      sink.error(
        key,
        `expected a port number or agentkernel's "host:container" form, got ${describe(item)}`,
        suffix,
      );
      return undefined;
    }
    const [, host, container, protocol] = match;
    if (protocol === 'udp') {
      sink.error(
        key,
        `UDP ports are not supported: sandbox endpoints are TCP, got ${describe(item)}`,
        suffix,
      );
      return undefined;
    }
    port = Number(container);
    if (host !== undefined && Number(host) !== port) {
      sink.warn(
        key,
        `host port ${host} is ignored: the sandbox serves port ${container} at the backend's own endpoint`,
        suffix,
      );
    }
  }
  if (typeof port !== 'number' || !Number.isInteger(port)) {
    sink.error(key, `expected a port number, got ${describe(item)}`, suffix);
    return undefined;
  }
  if (port < 1 || port > MAX_PORT) {
    sink.error(key, `must be between 1 and ${MAX_PORT}, got ${port}`, suffix);
    return undefined;
  }
  return port;
}

export function readPlugins(sink: IssueSink, table: Table): AgentkernelConfig['plugins'] {
  const path = ['plugins'];
  warnUnknownKeys(sink, table, path, PLUGINS_KEYS);
  const paths = readStringList(sink, table, path, 'paths') ?? [];
  const base = dirname(resolve(sink.file));
  return { paths: paths.map((entry) => resolve(base, entry)) };
}

/**
 * `[local]` is the local backend's provider table: keys beyond `isolation` are checked by its schema.
 * A project's file may not turn isolation off: whoever commits it would run everyone's commands
 * unconfined. Only the user can, with the flag or in the user-level config.
 */
export function readLocal(sink: IssueSink, table: Table, origin: ConfigOrigin): AgentkernelConfig['local'] {
  let isolation = readOneOf(sink, table, ['local'], 'isolation', ISOLATION_MODES) ?? 'bubblewrap';
  if (isolation === 'none' && origin === 'project') {
    sink.error(
      ['local', 'isolation'],
      'a project\'s agentkernel.toml cannot turn isolation off (whoever commits it would run your commands unconfined on this machine); choose it yourself with --isolation none, or with [local] isolation = "none" in the user-level config (~/.config/agentkernel/config.toml)',
    );
    isolation = 'bubblewrap';
  }
  const local: AgentkernelConfig['local'] = { isolation };
  for (const [key, value] of Object.entries(table)) {
    if (!(LOCAL_KEYS as readonly string[]).includes(key)) local[key] = value;
  }
  return local;
}

/** Sets an optional property only when there is a value, so absent keys stay absent. */
export function assign<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}
