import { readJsonObject, type FakeRouter, type Reply } from '@agentkernel/fake-kit';
import type { FakeExecution, OutputStream } from './executions.js';
import {
  devboxOf,
  isReply,
  runningDevbox,
  writeChunk,
  type FakeContext,
  type RouteContext,
} from './route.js';
import { errorReply } from './views.js';

/** The longest `execute` and `wait_for_status` hold a request on Runloop (seconds). */
const MAX_HOLD_SECONDS = 25;

function lastN(context: RouteContext): number | string {
  const text = context.url.searchParams.get('last_n');
  if (text === null) return 100;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : 'last_n must be a non-negative integer';
}

function holdMs(context: RouteContext, seconds: unknown): number | string {
  if (seconds === undefined || seconds === null) return context.state.timings.longPollMs;
  if (typeof seconds !== 'number' || seconds < 0 || seconds > MAX_HOLD_SECONDS)
    return `timeouts must be from 0 to ${MAX_HOLD_SECONDS} seconds`;
  return Math.min(seconds * 1000, context.state.timings.longPollMs);
}

async function execute(context: RouteContext, mode: 'execute' | 'async'): Promise<Reply> {
  const devbox = runningDevbox(context);
  if (isReply(devbox)) return devbox;
  const body = await readJsonObject(context.req);
  if (body === undefined || typeof body.command !== 'string' || body.command === '')
    return errorReply(400, 'command is required');
  const n = lastN(context);
  if (typeof n === 'string') return errorReply(400, n);
  const shellName = typeof body.shell_name === 'string' ? body.shell_name : null;
  if (mode === 'async') {
    const execution = await context.state.run(devbox, body.command, {
      stdin: body.attach_stdin === true,
      shellName,
    });
    return { status: 200, body: execution.view(n) };
  }
  if (body.attach_stdin !== undefined && body.attach_stdin !== null)
    return errorReply(400, 'attach_stdin is not supported by execute; use execute_async');
  const commandId = body.command_id;
  if (
    typeof commandId !== 'string' ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(commandId)
  )
    return errorReply(400, 'command_id must be a UUIDv7');
  const hold = holdMs(context, body.optimistic_timeout);
  if (typeof hold === 'string') return errorReply(400, hold);
  // The same command_id is the same execution: a retried request never runs the command twice.
  let execution = devbox.byCommandId.get(commandId);
  if (execution === undefined) {
    execution = await context.state.run(devbox, body.command, { shellName });
    devbox.byCommandId.set(commandId, execution);
  }
  await execution.completed(hold);
  return { status: 200, body: execution.view(n) };
}

function executionOf(context: RouteContext): FakeExecution | Reply {
  const devbox = devboxOf(context);
  if (isReply(devbox)) return devbox;
  const id = context.params.eid ?? '';
  return devbox.executions.get(id) ?? errorReply(404, `Execution ${id} not found on devbox ${devbox.id}`);
}

const isExecution = (value: FakeExecution | Reply): value is FakeExecution => 'id' in value;

async function waitForExecution(context: RouteContext): Promise<Reply> {
  const execution = executionOf(context);
  if (!isExecution(execution)) return execution;
  const body = await readJsonObject(context.req);
  const statuses = body?.statuses;
  if (!Array.isArray(statuses) || statuses.length === 0)
    return errorReply(400, 'statuses must be a non-empty list of execution statuses');
  const n = lastN(context);
  if (typeof n === 'string') return errorReply(400, n);
  const hold = holdMs(context, body?.timeout_seconds);
  if (typeof hold === 'string') return errorReply(400, hold);
  const deadline = Date.now() + hold;
  while (!statuses.includes(execution.status)) {
    const left = deadline - Date.now();
    if (left <= 0 || !(await execution.changed(left)))
      return errorReply(408, `Execution ${execution.id} is still ${execution.status}`, {
        'x-should-retry': 'true',
      });
  }
  return { status: 200, body: execution.view(n) };
}

/** The most output one SSE event carries, as a log stream sends it in pieces. */
const EVENT_BYTES = 32 * 1024;

/** At most `max` bytes of `bytes`, not cutting a UTF-8 character (unless it is longer than `max`). */
function utf8Prefix(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > max - 4 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end > max - 4 ? end : max);
}

/**
 * SSE of one output stream from a byte offset: `data: {"output", "offset"}` events (`offset` is where
 * the next chunk starts, so a reconnect from it repeats nothing), ending when the execution has
 * completed and everything was sent. A stream idle for the long-poll time ends with an `error` event of
 * code 408, on which the SDK reconnects from the last offset.
 */
async function streamOutput(context: RouteContext, stream: OutputStream): Promise<Reply | undefined> {
  const execution = executionOf(context);
  if (!isExecution(execution)) return execution;
  const offsetText = context.url.searchParams.get('offset') ?? '0';
  let offset = Number(offsetText);
  if (!Number.isInteger(offset) || offset < 0)
    return errorReply(400, 'offset must be a non-negative integer');
  const { res, req } = context;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const closed = new AbortController();
  req.once('close', () => closed.abort());
  res.once('close', () => closed.abort());
  for (;;) {
    const bytes = utf8Prefix(execution.bytesFrom(stream, offset), EVENT_BYTES);
    if (bytes.length > 0) {
      offset += bytes.length;
      writeChunk(res, `data: ${JSON.stringify({ output: bytes.toString('utf8'), offset })}\n\n`);
      continue;
    }
    if (execution.status === 'completed' || closed.signal.aborted) break;
    if (!(await execution.changed(context.state.timings.longPollMs, closed.signal))) {
      if (closed.signal.aborted) break;
      writeChunk(
        res,
        `event: error\ndata: ${JSON.stringify({ code: '408', message: 'stream idle, reconnect' })}\n\n`,
      );
      break;
    }
  }
  res.end();
  return undefined;
}

async function kill(context: RouteContext): Promise<Reply> {
  const execution = executionOf(context);
  if (!isExecution(execution)) return execution;
  execution.kill();
  await execution.completed(10_000);
  return { status: 200, body: execution.view() };
}

/** Commands: execute (idempotent by command_id), execute_async, status, long-poll wait, SSE output, kill. */
export function execRoutes(router: FakeRouter<FakeContext>): void {
  const exec = '/v1/devboxes/:id/executions/:eid';
  router
    .on('POST', '/v1/devboxes/:id/execute', (c) => execute(c, 'execute'))
    .on('POST', '/v1/devboxes/:id/execute_async', (c) => execute(c, 'async'))
    .on('GET', exec, (c) => {
      const execution = executionOf(c);
      const n = lastN(c);
      if (typeof n === 'string') return errorReply(400, n);
      return isExecution(execution) ? { status: 200, body: execution.view(n) } : execution;
    })
    .on('POST', `${exec}/wait_for_status`, waitForExecution)
    .on('POST', `${exec}/kill`, kill)
    .on('GET', `${exec}/stream_stdout_updates`, (c) => streamOutput(c, 'stdout'))
    .on('GET', `${exec}/stream_stderr_updates`, (c) => streamOutput(c, 'stderr'));
}
