import { AgentkernelError, type SandboxRecord } from '@agentkernel/core';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Puts the sandbox's name where a backend's message names it by the provider's id (`sandbox i3x9...`,
 * `devbox dbx_...`): people know their sandboxes by name. The id stays beside it, for the provider's
 * console. Only errors of ours are touched, in place, before they are reported.
 */
export function nameSandboxesIn(error: unknown, records: Iterable<SandboxRecord>): unknown {
  if (!AgentkernelError.isInstance(error)) return error;
  let detail = error.detail;
  for (const record of records) {
    const id = record.ref.id;
    if (id === '' || id === record.name || !detail.includes(id)) continue;
    detail = detail.replace(
      new RegExp(`\\b(sandbox|devbox|container) ${escape(id)}(?![\\w-])`, 'g'),
      (_match, word: string) =>
        `sandbox ${record.name} (${record.backend} ${word === 'sandbox' ? 'id' : word} ${id})`,
    );
  }
  if (detail === error.detail) return error;
  const prefix = error.message.slice(0, error.message.length - error.detail.length);
  Object.assign(error, { detail, message: prefix + detail });
  return error;
}
