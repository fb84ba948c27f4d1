import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { randomId, sendReply, type Reply } from '@agentkernel/fake-kit';
import { errorReply } from './replies.js';
import { resolveSandboxPath, SANDBOX_HOME } from './layout.js';
import type { FakeSandbox } from './state.js';

/** envd's answer for one written file. */
interface WriteInfo {
  name: string;
  type: 'file';
  path: string;
}

async function download(
  sandbox: FakeSandbox,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<Reply | undefined> {
  const resolved = await resolveSandboxPath(sandbox.root, path);
  const info = resolved === undefined ? undefined : await stat(resolved.hostPath).catch(() => undefined);
  if (resolved === undefined || info === undefined) return errorReply(404, `path '${path}' does not exist`);
  if (info.isDirectory()) return errorReply(400, `path '${path}' is a directory`);
  // Opened before answering, as envd does: removing the file once the download started is then safe.
  const file = await open(resolved.hostPath, 'r');
  const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(basename(resolved.sandboxPath))}`,
    ...(gzip ? { 'content-encoding': 'gzip' } : { 'content-length': String(info.size) }),
  });
  const source = file.createReadStream();
  await (gzip ? pipeline(source, createGzip(), res) : pipeline(source, res));
  return undefined;
}

/** Writes `body` to the sandbox path atomically (temp file + rename), creating parent folders. */
async function writeOne(sandbox: FakeSandbox, path: string, body: Readable): Promise<WriteInfo | Reply> {
  const resolved = await resolveSandboxPath(sandbox.root, path);
  if (resolved === undefined || !resolved.writable)
    return errorReply(403, `permission denied: '${path}' is not writable`);
  const existing = await stat(resolved.hostPath).catch(() => undefined);
  if (existing?.isDirectory() === true) return errorReply(400, `path '${path}' is a directory`);
  await mkdir(dirname(resolved.hostPath), { recursive: true });
  const temp = `${resolved.hostPath}.upload-${randomId(8)}`;
  try {
    await pipeline(body, createWriteStream(temp, { mode: 0o644 }));
    await rename(temp, resolved.hostPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { name: basename(resolved.sandboxPath), type: 'file', path: resolved.sandboxPath };
}

const isReply = (value: WriteInfo | Reply): value is Reply => 'status' in value;

async function upload(sandbox: FakeSandbox, req: IncomingMessage, path: string | null): Promise<Reply> {
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('application/octet-stream')) {
    if (path === null) return errorReply(400, 'path is required for an octet-stream upload');
    const gzipped = req.headers['content-encoding'] === 'gzip';
    const result = await writeOne(sandbox, path, gzipped ? req.pipe(createGunzip()) : req);
    return isReply(result) ? result : { status: 200, body: [result] };
  }
  if (!contentType.startsWith('multipart/form-data'))
    return errorReply(400, `unsupported content type "${contentType}"`);
  // The SDK buffers multipart uploads too; parsing with the platform's FormData keeps the fake small.
  const request = new Request('http://envd/files', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: Readable.toWeb(req),
    duplex: 'half',
  });
  const form = await request.formData();
  const written: WriteInfo[] = [];
  for (const part of form.getAll('file')) {
    if (typeof part === 'string') return errorReply(400, 'each "file" part must be a file');
    const target = path ?? part.name;
    const result = await writeOne(sandbox, target, Readable.fromWeb(part.stream()));
    if (isReply(result)) return result;
    written.push(result);
  }
  if (written.length === 0) return errorReply(400, 'no "file" part in the upload');
  return { status: 200, body: written };
}

/** envd's plain HTTP API: `/files` (download and upload), `/health` and `/envs`. */
export async function handleEnvdHttp(
  sandbox: FakeSandbox,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  let reply: Reply | undefined;
  if (url.pathname === '/health') reply = { status: 204 };
  else if (url.pathname === '/envs' && req.method === 'GET') reply = { status: 200, body: sandbox.envVars };
  else if (url.pathname === '/files') {
    const path = url.searchParams.get('path');
    if (req.method === 'GET') reply = await download(sandbox, req, res, path ?? SANDBOX_HOME);
    else if (req.method === 'POST') reply = await upload(sandbox, req, path);
    else reply = errorReply(405, `${req.method ?? ''} is not allowed on /files`);
  } else return false;
  if (reply !== undefined) sendReply(res, reply);
  return true;
}
