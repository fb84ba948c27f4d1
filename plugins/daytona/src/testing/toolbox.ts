import { FakeRouter, readJsonObject, type Reply, type RouteRequest } from '@agentkernel/fake-kit';
import {
  bulkDownload,
  bulkUpload,
  createFolder,
  deleteFile,
  fileInfo,
  listFiles,
  setPermissions,
} from './files.js';
import {
  createSession,
  deleteSession,
  executeCommand,
  executeInSession,
  getCommand,
  getCommandLogs,
  getSession,
  listSessions,
  sendInput,
} from './process.js';
import { daemonError } from './replies.js';
import type { SandboxContext } from './run.js';
import { SANDBOX_HOME } from './layout.js';

type Request = RouteRequest & SandboxContext;

/** A file route: the `path` query parameter is required. */
const withPath =
  (handler: (context: SandboxContext, path: string, request: Request) => Promise<Reply>) =>
  (request: Request): Promise<Reply> | Reply => {
    const path = request.url.searchParams.get('path');
    if (path === null || path === '') return daemonError(400, 'path is required', 'INVALID_FILE_PATH');
    return handler(request, path, request);
  };

const ptyNotFound = (): Reply => daemonError(404, 'PTY session not found');

async function resizePty({ sandbox, params, req }: Request): Promise<Reply> {
  const size = await readJsonObject(req);
  const cols = Number(size?.cols);
  const rows = Number(size?.rows);
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1)
    return daemonError(400, 'cols and rows must be positive integers');
  const id = params.ptyId ?? '';
  if (!sandbox.ptys.resize(id, cols, rows)) return ptyNotFound();
  return { status: 200, body: sandbox.ptys.info(id) };
}

const home = (): Reply => ({ status: 200, body: { dir: SANDBOX_HOME } });

/** The toolbox (the daemon in each sandbox) under `/toolbox/:sandboxId`, as the pinned SDK calls it. */
export const toolboxRoutes = new FakeRouter<SandboxContext>()
  .on('POST', '/toolbox/:sandboxId/files/bulk-upload', ({ req, ...context }) => bulkUpload(context, req))
  .on('POST', '/toolbox/:sandboxId/files/bulk-download', ({ req, res, ...context }) =>
    bulkDownload(context, req, res),
  )
  .on('GET', '/toolbox/:sandboxId/files', withPath(listFiles))
  .on(
    'DELETE',
    '/toolbox/:sandboxId/files',
    withPath((context, path, { url }) =>
      deleteFile(context, path, url.searchParams.get('recursive') === 'true'),
    ),
  )
  .on(
    'POST',
    '/toolbox/:sandboxId/files/folder',
    withPath((context, path, { url }) => createFolder(context, path, url.searchParams.get('mode') ?? '0755')),
  )
  .on('GET', '/toolbox/:sandboxId/files/info', withPath(fileInfo))
  .on(
    'POST',
    '/toolbox/:sandboxId/files/permissions',
    withPath((context, path, { url }) =>
      setPermissions(context, path, url.searchParams.get('mode') ?? undefined),
    ),
  )
  .on('POST', '/toolbox/:sandboxId/process/execute', async (request) => {
    const body = await readJsonObject(request.req);
    return body === undefined
      ? daemonError(400, 'the request body must be a JSON object')
      : executeCommand(request, body);
  })
  .on('GET', '/toolbox/:sandboxId/process/session', listSessions)
  .on('POST', '/toolbox/:sandboxId/process/session', createSession)
  .on('GET', '/toolbox/:sandboxId/process/session/:sessionId', getSession)
  .on('DELETE', '/toolbox/:sandboxId/process/session/:sessionId', deleteSession)
  .on('POST', '/toolbox/:sandboxId/process/session/:sessionId/exec', executeInSession)
  .on('GET', '/toolbox/:sandboxId/process/session/:sessionId/command/:commandId', getCommand)
  .on('GET', '/toolbox/:sandboxId/process/session/:sessionId/command/:commandId/logs', getCommandLogs)
  .on('POST', '/toolbox/:sandboxId/process/session/:sessionId/command/:commandId/input', sendInput)
  .on('GET', '/toolbox/:sandboxId/process/pty/:ptyId', ({ sandbox, params }) => {
    const info = sandbox.ptys.info(params.ptyId ?? '');
    return info === undefined ? ptyNotFound() : { status: 200, body: info };
  })
  .on('DELETE', '/toolbox/:sandboxId/process/pty/:ptyId', ({ sandbox, params }) =>
    sandbox.ptys.kill(params.ptyId ?? '') ? { status: 200 } : ptyNotFound(),
  )
  .on('POST', '/toolbox/:sandboxId/process/pty/:ptyId/resize', resizePty)
  .on('GET', '/toolbox/:sandboxId/user-home-dir', home)
  .on('GET', '/toolbox/:sandboxId/work-dir', home)
  .on('GET', '/toolbox/:sandboxId/version', () => ({ status: 200, body: { version: 'fake' } }));
