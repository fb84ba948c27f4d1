import type { Reply } from '@agentkernel/fake-kit';
import type { FakeDevbox, FakeDiskSnapshot } from './state.js';

/** Runloop's error body: `{ message }`, which the SDK puts after the status in its error message. */
export function errorReply(status: number, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { message }, ...(headers === undefined ? {} : { headers }) };
}

export const devboxNotFound = (id: string): Reply => errorReply(404, `Devbox ${id} not found`);

/** `DevboxView`. Environment variables are never in it (they may be secrets), as on Runloop. */
export function devboxView(devbox: FakeDevbox): Record<string, unknown> {
  return {
    id: devbox.id,
    name: devbox.name,
    status: devbox.status,
    capabilities: [],
    create_time_ms: devbox.createTimeMs,
    end_time_ms: devbox.endTimeMs,
    launch_parameters: devbox.launchParameters,
    metadata: devbox.metadata,
    state_transitions: devbox.transitions,
    blueprint_id: devbox.blueprintId,
    snapshot_id: devbox.snapshotId,
    tunnel: devbox.tunnel ?? null,
    initiator_type: 'api',
    shutdown_reason: devbox.shutdownReason,
    failure_reason: null,
  };
}

/** `DevboxSnapshotView`. */
export function snapshotView(snapshot: FakeDiskSnapshot): Record<string, unknown> {
  return {
    id: snapshot.id,
    create_time_ms: snapshot.createTimeMs,
    metadata: snapshot.metadata,
    source_devbox_id: snapshot.sourceDevboxId,
    name: snapshot.name,
    commit_message: null,
    size_bytes: null,
    source_blueprint_id: null,
  };
}

/** One page of a cursor-paginated list, newest first, as Runloop pages (`starting_after` an id). */
export function pageOf<T extends { id: string }>(
  items: readonly T[],
  query: URLSearchParams,
  maxLimit: number,
): { items: T[]; hasMore: boolean } | string {
  const limitText = query.get('limit');
  const asked = limitText === null ? maxLimit : Number(limitText);
  if (!Number.isInteger(asked) || asked < 1 || asked > 5000) return 'limit must be an integer from 1 to 5000';
  // Like a real API, a page never holds more than the server's own maximum, whatever the client asks.
  const limit = Math.min(asked, maxLimit);
  const after = query.get('starting_after');
  const start = after === null ? 0 : items.findIndex((item) => item.id === after) + 1;
  if (after !== null && start === 0) return `starting_after ${after} is not in the list`;
  const page = items.slice(start, start + limit);
  return { items: page, hasMore: start + limit < items.length };
}
