import type { FakeRequestMessage, FakeResponse, Reply } from './temporary-fake-kit.js';
import type { FakeDevbox, FakeState } from './state.js';
import { devboxNotFound, errorReply } from './views.js';

/** What a route handler gets. */
export interface RouteContext {
  readonly state: FakeState;
  readonly req: FakeRequestMessage;
  readonly res: FakeResponse;
  readonly url: URL;
  /** The route pattern's capture groups, decoded. */
  readonly params: readonly string[];
  readonly blueprints: ReadonlySet<string>;
  readonly pageSize: number;
}

/**
 * A route: answers with a {@link Reply}, or with undefined when it wrote the response itself (a stream).
 */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  handle(context: RouteContext): Promise<Reply | undefined>;
}

/** The devbox a route's first parameter names, or the 404 Runloop answers. */
export function devboxOf(context: RouteContext): FakeDevbox | Reply {
  const id = context.params[0] ?? '';
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
