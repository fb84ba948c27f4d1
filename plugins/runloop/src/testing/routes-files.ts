import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { IsolatedProcess } from '@agentkernel/core/isolation';
import { randomId, readJsonObject, type FakeRouter, type Reply } from '@agentkernel/fake-kit';
import { isReply, runningDevbox, writeChunk, type FakeContext, type RouteContext } from './route.js';
import type { FakeDevbox, FakeState } from './state.js';
import { errorReply } from './views.js';

// Files are read and written by commands inside the devbox, so its own permissions and symlinks apply
// exactly as on a VM. Like Runloop, a relative path is under the user's home and a missing parent
// folder is an error (nothing is created on the way).
const WRITE = 'cat > "$1"';
const READ = 'if [ ! -e "$1" ]; then echo "no such file: $1" >&2; exit 44; fi; exec cat -- "$1"';
const MISSING = 44;

interface ScriptResult {
  readonly exitCode: number;
  readonly stderr: string;
}

async function runScript(
  state: FakeState,
  devbox: FakeDevbox,
  script: string,
  path: string,
  input?: Readable,
): Promise<ScriptResult> {
  const process = await state.spawn(devbox, ['sh', '-c', script, 'sh', path], input !== undefined);
  const stderr: Buffer[] = [];
  process.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  process.stdout?.resume();
  if (input !== undefined && process.stdin !== null)
    await pipeline(input, process.stdin).catch(() => undefined);
  const exit = await process.exited;
  return { exitCode: exit.exitCode, stderr: Buffer.concat(stderr).toString('utf8').trim() };
}

function writeFailure(path: string, result: ScriptResult): Reply {
  return errorReply(400, `could not write ${path}: ${result.stderr || `exit status ${result.exitCode}`}`);
}

/** A JSON file request to a running devbox: the devbox, the body and the path its `field` holds. */
async function fileRequest(
  context: RouteContext,
  field: 'path' | 'file_path',
): Promise<{ devbox: FakeDevbox; body: Record<string, unknown>; path: string } | Reply> {
  const devbox = runningDevbox(context);
  if (isReply(devbox)) return devbox;
  // A body that is not a JSON object names no path either.
  const body = (await readJsonObject(context.req)) ?? {};
  const path = body[field];
  if (typeof path !== 'string' || path === '') return errorReply(400, `${field} is required`);
  return { devbox, body, path };
}

/** `upload_file`: multipart with a `path` field and a `file` part, spooled to the host first. */
async function upload(context: RouteContext): Promise<Reply> {
  const devbox = runningDevbox(context);
  if (isReply(devbox)) return devbox;
  const type = context.req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data'))
    return errorReply(400, 'upload_file takes multipart/form-data');
  const spoolDir = join(context.state.dataDir, 'uploads');
  await mkdir(spoolDir, { recursive: true });
  const spool = join(spoolDir, randomId(12));
  try {
    const fields: Record<string, string> = {};
    let sawFile = false;
    const parser = busboy({ headers: context.req.headers });
    const spooled: Promise<void>[] = [];
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream) => {
      if (name !== 'file' || sawFile) {
        stream.resume();
        return;
      }
      sawFile = true;
      spooled.push(pipeline(stream, createWriteStream(spool)));
    });
    await pipeline(context.req, parser);
    await Promise.all(spooled);
    const path = fields.path;
    if (path === undefined || path === '') return errorReply(400, 'path is required');
    if (!sawFile) return errorReply(400, 'file is required');
    const result = await runScript(context.state, devbox, WRITE, path, createReadStream(spool));
    return result.exitCode === 0 ? { status: 200, body: {} } : writeFailure(path, result);
  } finally {
    await rm(spool, { force: true });
  }
}

/** Starts the `cat` of the file a JSON request to a running devbox names in `field`. */
async function catFile(
  context: RouteContext,
  field: 'path' | 'file_path',
): Promise<{ path: string; process: IsolatedProcess } | Reply> {
  const request = await fileRequest(context, field);
  if (!('devbox' in request)) return request;
  const process = await context.state.spawn(request.devbox, ['sh', '-c', READ, 'sh', request.path]);
  return { path: request.path, process };
}

/** Runloop's answer to a `cat` of `path` that failed (`detail` is added to its message), if it did. */
function readFailure(path: string, exitCode: number, detail = ''): Reply | undefined {
  if (exitCode === MISSING) return errorReply(404, `File ${path} not found`);
  return exitCode === 0 ? undefined : errorReply(400, `could not read ${path}${detail}`);
}

/** `download_file`: the raw bytes, streamed from a `cat` in the devbox. */
async function download(context: RouteContext): Promise<Reply | undefined> {
  const cat = await catFile(context, 'path');
  if (!('process' in cat)) return cat;
  const { path, process } = cat;
  const stderr: Buffer[] = [];
  process.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const stdout = process.stdout ?? Readable.from([]);
  // Nothing is answered until the file is known to exist: the first bytes, or the end of the command.
  const first = await new Promise<Buffer | null>((resolve) => {
    stdout.once('readable', () => resolve(stdout.read() as Buffer | null));
    // A command that ended before this listener exists emits no 'readable' for it, only 'end'.
    stdout.once('end', () => resolve(null));
  });
  if (first === null) {
    const exit = await process.exited;
    const failure = readFailure(path, exit.exitCode, `: ${Buffer.concat(stderr).toString('utf8').trim()}`);
    if (failure !== undefined) return failure;
  }
  context.res.writeHead(200, { 'content-type': 'application/octet-stream' });
  if (first !== null) writeChunk(context.res, first);
  await pipeline(stdout, context.res);
  return undefined;
}

async function readText(context: RouteContext): Promise<Reply | undefined> {
  const cat = await catFile(context, 'file_path');
  if (!('process' in cat)) return cat;
  const { path, process } = cat;
  const chunks: Buffer[] = [];
  process.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  process.stderr?.resume();
  const failure = readFailure(path, (await process.exited).exitCode);
  if (failure !== undefined) return failure;
  const text = Buffer.concat(chunks).toString('utf8');
  context.res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
  return undefined;
}

async function writeText(context: RouteContext): Promise<Reply> {
  const request = await fileRequest(context, 'file_path');
  if (!('devbox' in request)) return request;
  const { devbox, body, path } = request;
  if (typeof body.contents !== 'string') return errorReply(400, 'contents must be a string');
  const input = Readable.from([Buffer.from(body.contents, 'utf8')]);
  const result = await runScript(context.state, devbox, WRITE, path, input);
  if (result.exitCode !== 0) return writeFailure(path, result);
  return {
    status: 200,
    body: { devbox_id: devbox.id, exit_status: 0, stdout: '', stderr: '', shell_name: null },
  };
}

/** Files: binary upload (multipart) and download, and the UTF-8 text endpoints. */
export function fileRoutes(router: FakeRouter<FakeContext>): void {
  router
    .on('POST', '/v1/devboxes/:id/upload_file', upload)
    .on('POST', '/v1/devboxes/:id/download_file', download)
    .on('POST', '/v1/devboxes/:id/read_file_contents', readText)
    .on('POST', '/v1/devboxes/:id/write_file_contents', writeText);
}
