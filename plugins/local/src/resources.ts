import type { Logger, SandboxSpec } from '@agentkernel/core';
import { cgroupSupport, type IsolationMode, type ResourceLimits } from '@agentkernel/core/isolation';

/** What a local sandbox does with the image, resources and idle timeout it was asked for. */
export interface Honoured {
  /** The vCPUs and memory enforced through a cgroup, when any were asked for and cgroups allow it. */
  readonly limits?: ResourceLimits;
  /** The settings asked for that are not applied. */
  readonly notApplied: readonly string[];
}

/**
 * Decides which of the spec's settings a local sandbox honours, and says once (at normal verbosity)
 * what it does not: a local sandbox runs this machine's own system, so an image never applies; vCPUs
 * and memory apply only where a writable cgroup v2 hierarchy can enforce them.
 */
export async function honour(spec: SandboxSpec, mode: IsolationMode, logger: Logger): Promise<Honoured> {
  const notApplied: string[] = [];
  if (spec.image !== undefined) {
    notApplied.push('image');
    logger.info(`local sandboxes run this machine's own system: image "${spec.image}" is not applied`);
  }
  if (spec.idleTimeoutMs !== undefined) {
    notApplied.push('idleTimeoutMs');
    logger.info('local sandboxes have no idle timeout: it is not applied');
  }
  const asked = (['vcpus', 'memoryMb'] as const).filter((key) => spec[key] !== undefined);
  if (asked.length === 0) return { notApplied };
  const support =
    mode === 'none' ? { reason: 'isolation is off ([local] isolation = "none")' } : await cgroupSupport();
  if ('base' in support) {
    return {
      notApplied,
      limits: {
        ...(spec.vcpus === undefined ? {} : { vcpus: spec.vcpus }),
        ...(spec.memoryMb === undefined ? {} : { memoryMb: spec.memoryMb }),
      },
    };
  }
  notApplied.push(...asked);
  logger.info(
    `${asked.map((key) => (key === 'vcpus' ? 'vCPUs' : 'memory')).join(' and ')} of local sandboxes are not enforced here: ${support.reason}`,
  );
  return { notApplied };
}
