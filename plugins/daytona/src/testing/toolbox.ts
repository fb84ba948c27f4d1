import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonObject, type Reply } from './pending-fake-kit.js';
import {
  bulkDownload,
  bulkUpload,
  createFolder,
  deleteFile,
  fileInfo,
  listFiles,
  setPermissions,
} from './files.js';
import { executeCommand, sessionRoute } from './process.js';
import { daemonError } from './replies.js';
import type { SandboxContext } from './run.js';

/** The toolbox routes under `/toolbox/<sandboxId>`; undefined when none matches. */
export async function handleToolbox(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  segments: readonly string[],
  url: URL,
): Promise<Reply | undefined> {
  const [area, sub, ...rest] = segments;
  const query = (name: string): string | undefined => url.searchParams.get(name) ?? undefined;
  const body = (): Promise<Record<string, unknown> | undefined> => readJsonObject(req);
  if (area === 'files') {
    const path = query('path');
    if (sub === 'bulk-upload' && method === 'POST') return bulkUpload(context, req);
    if (sub === 'bulk-download' && method === 'POST') return bulkDownload(context, req, res);
    if (path === undefined || path === '') return daemonError(400, 'path is required', 'INVALID_FILE_PATH');
    if (sub === undefined && method === 'GET') return listFiles(context, path);
    if (sub === undefined && method === 'DELETE')
      return deleteFile(context, path, query('recursive') === 'true');
    if (sub === 'folder' && method === 'POST') return createFolder(context, path, query('mode') ?? '0755');
    if (sub === 'info' && method === 'GET') return fileInfo(context, path);
    if (sub === 'permissions' && method === 'POST') return setPermissions(context, path, query('mode'));
    return undefined;
  }
  if (area === 'process') {
    if (sub === 'execute' && rest.length === 0 && method === 'POST') {
      const request = await body();
      if (request === undefined) return daemonError(400, 'the request body must be a JSON object');
      return executeCommand(context, request);
    }
    if (sub === 'session') return sessionRoute(context, method, rest, body);
    if (sub === 'pty') {
      const [id, action] = rest;
      const ptys = context.sandbox.ptys;
      if (id === undefined) return undefined;
      if (action === undefined && method === 'DELETE')
        return ptys.kill(id) ? { status: 200 } : daemonError(404, 'PTY session not found');
      if (action === undefined && method === 'GET') {
        const info = ptys.info(id);
        return info === undefined ? daemonError(404, 'PTY session not found') : { status: 200, body: info };
      }
      if (action === 'resize' && method === 'POST') {
        const size = await body();
        const cols = Number(size?.cols);
        const rows = Number(size?.rows);
        if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1)
          return daemonError(400, 'cols and rows must be positive integers');
        if (!ptys.resize(id, cols, rows)) return daemonError(404, 'PTY session not found');
        return { status: 200, body: ptys.info(id) };
      }
    }
    return undefined;
  }
  if (area === 'user-home-dir' && method === 'GET') return { status: 200, body: { dir: '/home/daytona' } };
  if (area === 'work-dir' && method === 'GET') return { status: 200, body: { dir: '/home/daytona' } };
  if (area === 'version' && method === 'GET') return { status: 200, body: { version: 'fake' } };
  return undefined;
}
