import type { ServerResponse } from 'node:http';
import type { FakeHttpResponse, Reply, RouteRequest } from '@agentkernel/fake-kit';
import type { FakeDevbox, FakeState } from './state.js';
import { devboxNotFound, errorReply } from './views.js';

/** What every route handler gets besides the exchange: the fake's state and settings. */
export interface FakeContext {
  readonly state: FakeState;
  readonly blueprints: ReadonlySet<string>;
  readonly pageSize: number;
}

export type RouteContext = RouteRequest & FakeContext;

/** The devbox the route's `:id` names, or the 404 Runloop answers. */
export function devboxOf(context: RouteContext): FakeDevbox | Reply {
  const id = context.params.id ?? '';
  return context.state.devboxes.get(id) ?? devboxNotFound(id);
}

/** The devbox, when it is running; otherwise the 400 Runloop answers for commands and files. */
export function runningDevbox(context: RouteContext): FakeDevbox | Reply {
  const devbox = devboxOf(context);
  if (!('id' in devbox)) return devbox;
  if (devbox.status !== 'running')
    return errorReply(400, `Devbox ${devbox.id} is not running (status: ${devbox.status})`);
  return devbox;
}

export const isReply = (value: FakeDevbox | Reply): value is Reply => !('id' in value);

/** Writes a chunk of a streamed answer (both response kinds take it; their write signatures differ). */
export function writeChunk(res: FakeHttpResponse, chunk: string | Uint8Array): boolean {
  return (res as ServerResponse).write(chunk);
}
