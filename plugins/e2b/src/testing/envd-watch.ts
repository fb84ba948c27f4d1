import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import { AsyncQueue, randomId } from '@agentkernel/fake-kit';
import { fsError, resolveOrThrow } from './envd-entries.js';
import type { FakeSandbox } from './state.js';

/** envd's `EventType`. */
const EventType = { create: 1, write: 2, remove: 3 } as const;

interface WatchRequest {
  path: string;
  recursive: boolean;
}

type FsEvent = { name: string; type: number };

/** Watches a sandbox folder with `fs.watch`, reporting create, write and remove events by relative name. */
async function startWatch(
  sandbox: FakeSandbox,
  request: WatchRequest,
  onEvent: (event: FsEvent) => void,
): Promise<FSWatcher> {
  const resolved = await resolveOrThrow(sandbox, request.path);
  const info = await stat(resolved.hostPath).catch((error: unknown) => {
    throw fsError(error, request.path);
  });
  if (!info.isDirectory())
    throw new ConnectError(`path '${request.path}' is not a directory`, Code.InvalidArgument);
  const watcher = watch(resolved.hostPath, { recursive: request.recursive });
  watcher.on('change', (kind, filename) => {
    if (filename === null) return;
    const name = filename.toString();
    if (kind === 'change') {
      onEvent({ name, type: EventType.write });
      return;
    }
    void stat(join(resolved.hostPath, name)).then(
      () => onEvent({ name, type: EventType.create }),
      () => onEvent({ name, type: EventType.remove }),
    );
  });
  watcher.on('error', () => watcher.close());
  return watcher;
}

/** `WatchDir`: a start event, then one event per change until the client goes away. */
export async function* watchDir(
  sandbox: FakeSandbox,
  request: WatchRequest,
  context: HandlerContext,
): AsyncGenerator<Record<string, unknown>> {
  const queue = new AsyncQueue<FsEvent>();
  const watcher = await startWatch(sandbox, request, (event) => queue.push(event));
  const onAbort = (): void => queue.end();
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    yield { event: { case: 'start', value: {} } };
    for await (const event of queue) yield { event: { case: 'filesystem', value: event } };
  } finally {
    watcher.close();
    context.signal.removeEventListener('abort', onAbort);
  }
}

/** The polling watchers of `CreateWatcher` / `GetWatcherEvents` / `RemoveWatcher`. */
export class Watchers {
  private readonly watchers = new Map<string, { watcher: FSWatcher; events: FsEvent[] }>();

  async create(sandbox: FakeSandbox, request: WatchRequest): Promise<string> {
    const events: FsEvent[] = [];
    const watcher = await startWatch(sandbox, request, (event) => events.push(event));
    const id = randomId(16);
    this.watchers.set(id, { watcher, events });
    return id;
  }

  drain(id: string): FsEvent[] {
    const entry = this.watchers.get(id);
    if (entry === undefined) throw new ConnectError(`watcher '${id}' not found`, Code.NotFound);
    return entry.events.splice(0);
  }

  remove(id: string): void {
    this.watchers.get(id)?.watcher.close();
    this.watchers.delete(id);
  }
}
