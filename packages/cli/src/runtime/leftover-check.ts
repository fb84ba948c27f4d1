import { AgentkernelError } from '@agentkernel/core';
import type { Finding } from './doctor-checks.js';
import { findLeftovers, type LeftoverKind } from './leftovers.js';
import type { Runtime } from './runtime.js';

const WORDS: Readonly<Record<LeftoverKind, string>> = {
  expired: 'expired',
  untracked: 'with no record here',
  gone: 'recorded but gone',
};

/**
 * `doctor`'s count of what `sandbox gc` would remove. Offline it reads state and the local backend only
 * (expired TTLs, local leftovers); with `online` it asks every backend, as `sandbox gc --dry-run` does.
 */
export async function checkLeftovers(rt: Runtime, online: boolean): Promise<Finding> {
  const check = 'leftovers';
  try {
    const { leftovers } = await findLeftovers(rt, { online });
    const asked = online
      ? ''
      : '; remote backends not asked (doctor --online and sandbox gc --dry-run ask them)';
    if (leftovers.length === 0) return { status: 'ok', check, detail: `nothing left behind${asked}` };
    const counts = (Object.keys(WORDS) as LeftoverKind[])
      .map((kind) => [kind, leftovers.filter((leftover) => leftover.kind === kind).length] as const)
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => `${count} ${WORDS[kind]}`);
    return {
      status: 'warn',
      check,
      detail: `${leftovers.length} left behind (${counts.join(', ')}); remove with: agentkernel sandbox gc${asked}`,
    };
  } catch (error) {
    const reason = AgentkernelError.isInstance(error) ? error.detail : String(error);
    return { status: 'warn', check, detail: `could not look for leftovers: ${reason}` };
  }
}
