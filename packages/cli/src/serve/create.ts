import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, sep } from 'node:path';
import { checkLabels } from '../runtime/labels.js';
import { createSandbox } from '../runtime/lifecycle.js';
import type { Connected } from '../runtime/runtime.js';
import { creationFor } from '../runtime/spec.js';
import { pushProject } from '../runtime/workspace.js';
import type { ServeContext } from './context.js';
import { HttpError } from './http-error.js';
import { checkedName, networkOfProfile } from './request.js';

/** `POST /sandboxes` as the SDK sends it, plus `backend` and `work_dir`. */
export interface CreateBody {
  readonly name: string;
  readonly image?: string;
  readonly vcpus?: number;
  readonly memory_mb?: number;
  readonly profile?: string;
  readonly ports?: readonly (string | number)[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly description?: string;
  readonly backend?: string;
  readonly work_dir?: string;
  readonly source_url?: string;
  readonly source_ref?: string;
  readonly volumes?: readonly unknown[];
  readonly secrets?: readonly unknown[];
  readonly secret_files?: readonly unknown[];
}

export const CREATE_SCHEMA = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    image: { type: 'string', minLength: 1, maxLength: 256 },
    vcpus: { type: 'integer', minimum: 1 },
    memory_mb: { type: 'integer', minimum: 1 },
    profile: { type: 'string' },
    ports: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] }, maxItems: 64 },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    description: { type: 'string', maxLength: 1024 },
    backend: { type: 'string', minLength: 1 },
    work_dir: { type: 'string', minLength: 1 },
    source_url: { type: 'string' },
    source_ref: { type: 'string' },
    volumes: { type: 'array' },
    secrets: { type: 'array' },
    secret_files: { type: 'array' },
  },
} as const;

/** A container port from agentkernel's `"8080:80"`, `"80"` or `80` (the host side is the backend's). */
export function containerPort(value: string | number): number {
  const text = String(value);
  const match = /^(?:(\d{1,5}):)?(\d{1,5})(?:\/tcp)?$/.exec(text);
  const port = match ? Number(match[2]) : NaN;
  if (!(port >= 1 && port <= 65535))
    throw new HttpError(400, `Invalid port ${JSON.stringify(value)}: use "PORT" or "HOST:PORT" (tcp)`);
  return port;
}

// What agentkernel's API has and this server cannot honour is refused, never silently dropped.
function refuseUnsupported(body: CreateBody): void {
  const unsupported: [keyof CreateBody, boolean][] = [
    ['source_url', body.source_url !== undefined],
    ['source_ref', body.source_ref !== undefined],
    ['volumes', (body.volumes?.length ?? 0) > 0],
    ['secrets', (body.secrets?.length ?? 0) > 0],
    ['secret_files', (body.secret_files?.length ?? 0) > 0],
  ];
  const named = unsupported.filter(([, given]) => given).map(([key]) => key);
  if (named.length > 0) throw new HttpError(400, `Not supported by this server: ${named.join(', ')}`);
}

/** The host folder to keep in step: only under `--work-dir-root`, and never outside it through a link. */
async function workDirOf(ctx: ServeContext, workDir: string): Promise<string> {
  const root = ctx.options.workDirRoot;
  if (root === undefined)
    throw new HttpError(400, 'work_dir is off on this server (start it with --work-dir-root DIR)');
  if (!isAbsolute(workDir)) throw new HttpError(400, `work_dir ${JSON.stringify(workDir)} must be absolute`);
  const real = await realpath(workDir).catch(() => undefined);
  const info = real === undefined ? undefined : await stat(real);
  if (real === undefined || !info?.isDirectory())
    throw new HttpError(400, `work_dir ${JSON.stringify(workDir)} is not a folder`);
  if (real !== root && !real.startsWith(root + sep))
    throw new HttpError(400, `work_dir ${JSON.stringify(workDir)} is not under ${root}`);
  return real;
}

/**
 * Creates and starts a sandbox as `sandbox create` does (through the runtime's `createSandbox`, which
 * removes a half-made sandbox again on any failure). With `work_dir`, the folder is pushed before the
 * sandbox is reported, and every exec pushes and pulls it.
 */
export async function createFromRequest(ctx: ServeContext, body: CreateBody): Promise<Connected> {
  const { rt } = ctx;
  const name = checkedName(body.name);
  refuseUnsupported(body);
  const backend = (await rt.plugin(body.backend ?? ctx.defaultBackend)).plugin.name;
  const workDir = body.work_dir === undefined ? undefined : await workDirOf(ctx, body.work_dir);
  const loaded = await rt.config();
  const creation = creationFor(loaded, backend, name, {
    ...(body.image === undefined ? {} : { image: body.image }),
    ...(body.vcpus === undefined ? {} : { vcpus: body.vcpus }),
    ...(body.memory_mb === undefined ? {} : { memoryMb: body.memory_mb }),
    ...(body.ports === undefined ? {} : { port: body.ports.map(containerPort) }),
    ...networkOfProfile(body.profile),
    mountCwd: workDir !== undefined,
  });
  const labels = checkLabels(body.labels ?? {});
  return createSandbox(rt, {
    name,
    backend,
    creation: { ...creation, spec: { ...creation.spec, labels } },
    ...(body.description === undefined || body.description === '' ? {} : { description: body.description }),
    projectDir: workDir ?? loaded.projectRoot,
    ...(workDir === undefined
      ? {}
      : { prepare: (fresh: Connected) => pushProject(rt, fresh, { reason: 'create', locked: true }) }),
  });
}
