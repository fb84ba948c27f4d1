import { UsageError, type SandboxSpec } from '@agentkernel/core';
import type { LaunchParameters } from '@runloop/api-client/resources/shared';
import { BACKEND } from './errors.js';
import type { RunloopSettings } from './options.js';

type SizeName = NonNullable<LaunchParameters['resource_size_request']>;

/** Runloop's named sizes (vCPUs, GiB of memory), smallest first. */
const SIZES: readonly (readonly [SizeName, number, number])[] = [
  ['X_SMALL', 0.5, 1],
  ['SMALL', 1, 2],
  ['MEDIUM', 2, 4],
  ['LARGE', 2, 8],
  ['X_LARGE', 4, 16],
  ['XX_LARGE', 8, 32],
];
const MAX_CPU = 16;
const MAX_GIB = 64;

/** 0.5, 1 or a multiple of 2 (Runloop's custom CPU steps), at least `cpu`. */
const cpuStep = (cpu: number): number => (cpu <= 0.5 ? 0.5 : cpu <= 1 ? 1 : Math.ceil(cpu / 2) * 2);
/** 1 or a multiple of 2 GiB, at least `gib`. */
const memoryStep = (gib: number): number => (gib <= 1 ? 1 : Math.ceil(gib / 2) * 2);

/**
 * The resource request for `vcpus`/`memoryMb`: the smallest named size that has at least both, or a
 * custom size rounded up to Runloop's steps (with memory raised to the 1:2 CPU:memory ratio it needs).
 * Undefined when neither is asked for (Runloop's default size).
 */
export function resourceRequest(
  vcpus: number | undefined,
  memoryMb: number | undefined,
): LaunchParameters | undefined {
  if (vcpus === undefined && memoryMb === undefined) return undefined;
  const cpu = vcpus ?? 0;
  const gib = (memoryMb ?? 0) / 1024;
  const named = SIZES.find(([, sizeCpu, sizeGib]) => sizeCpu >= cpu && sizeGib >= gib);
  if (named !== undefined) return { resource_size_request: named[0] };
  const customCpu = cpuStep(cpu);
  const customGib = Math.max(memoryStep(gib), memoryStep(customCpu * 2));
  if (customCpu > MAX_CPU || customGib > MAX_GIB || customGib > customCpu * 8) {
    throw new UsageError(
      `Runloop has no devbox with ${vcpus ?? 'any'} vCPUs and ${memoryMb ?? 'any'} MiB: at most ${MAX_CPU} vCPUs, ${MAX_GIB} GiB, and 2 to 8 GiB per vCPU`,
      { backend: BACKEND, hint: 'lower [resources] vcpus or memory_mb' },
    );
  }
  return { resource_size_request: 'CUSTOM_SIZE', custom_cpu_cores: customCpu, custom_gb_memory: customGib };
}

/** The launch parameters of a new devbox: size, idle policy, and the network policy when the spec wants no network. */
export function launchParameters(spec: SandboxSpec, settings: RunloopSettings): LaunchParameters {
  const idle =
    spec.idleTimeoutMs === undefined
      ? {}
      : {
          after_idle: {
            idle_time_seconds: Math.max(1, Math.ceil(spec.idleTimeoutMs / 1000)),
            on_idle: settings.onIdle,
          },
        };
  const network =
    !spec.network && settings.networkPolicyId !== undefined
      ? { network_policy_id: settings.networkPolicyId }
      : {};
  return { ...resourceRequest(spec.vcpus, spec.memoryMb), ...idle, ...network };
}

/** The blueprint a spec's image names: none (Runloop's default image) for `default`, `base` or nothing. */
export function blueprintOf(image: string | undefined, settings: RunloopSettings): string | undefined {
  const name = image ?? settings.blueprint;
  return name === undefined || name === '' || name === 'default' || name === 'base' ? undefined : name;
}
