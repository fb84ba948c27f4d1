import type { Reply } from '@agentkernel/fake-kit';

/** E2B's error body: `{ code, message }`. */
export function errorReply(status: number, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { code: status, message }, ...(headers === undefined ? {} : { headers }) };
}
