import type { IncomingMessage } from 'node:http';
import { AgentkernelError, redact } from '@agentkernel/core';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { authProblem } from './auth.js';
import type { ServeContext } from './context.js';
import { HttpError, messageWithHint, statusOf } from './http-error.js';
import { isLoopback } from './options.js';
import { backendRoutes } from './routes/backends.js';
import { detachedRoutes } from './routes/detached.js';
import { execRoutes } from './routes/exec.js';
import { fileRoutes } from './routes/files.js';
import { runRoutes } from './routes/run.js';
import { sandboxRoutes } from './routes/sandboxes.js';
import { snapshotRoutes } from './routes/snapshots.js';

/** agentkernel's request body limit; a larger body is answered 413. */
export const BODY_LIMIT = 16 * 1024 * 1024;

function fail(reply: FastifyReply, status: number, error: string, extra: Record<string, unknown> = {}) {
  return reply.code(status).send({ success: false, error: redact(error), ...extra });
}

// Fastify's own 4xx errors (bad JSON, a body too large, a schema mismatch), said as agentkernel says them.
function frameworkMessage(error: FastifyError): string {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return `Request body is larger than ${BODY_LIMIT} bytes`;
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return 'Unsupported Content-Type: send JSON with Content-Type: application/json';
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'Invalid JSON: the body is empty';
  if (error.validation) return `Invalid request: ${error.message}`;
  if (error.statusCode === 400 && error instanceof SyntaxError) return `Invalid JSON: ${error.message}`;
  return error.message;
}

/**
 * Without a key, a loopback server is still reachable from a web page the user visits: by DNS rebinding
 * (its requests then carry the attacker's host name) or by a cross-site request that needs no preflight
 * (a bodiless POST carries an `Origin`). So a server without keys answers only requests addressed to a
 * loopback name and coming from no web page but a loopback one. (With a key, a page cannot send it.)
 */
function fromThisMachine(host: string | undefined, origin: string | undefined): boolean {
  const loopbackHost = (authority: string): boolean => {
    const name = authority.startsWith('[')
      ? authority.slice(0, authority.indexOf(']') + 1)
      : authority.replace(/:\d+$/, '');
    return isLoopback(name);
  };
  if (host === undefined || !loopbackHost(host)) return false;
  if (origin === undefined) return true;
  try {
    return loopbackHost(new URL(origin).host);
  } catch {
    return false;
  }
}

function discardBody(stream: IncomingMessage, limit: number): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    // A client that trickles its body is cut off rather than waited for.
    const timer = setTimeout(() => stream.destroy(), 30_000);
    stream.once('close', () => clearTimeout(timer));
    let seen = 0;
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) stream.destroy();
    });
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
    stream.resume();
  });
}

/** The HTTP API on the runtime of `ctx`; listening is the caller's. */
export function buildServer(ctx: ServeContext): FastifyInstance {
  const { keys } = ctx.options;
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
    // The SDK sends exactly what its types say; coercing "3" into 3 would hide a client's bug.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });

  // Only JSON is parsed: a text/plain body (which a web page may send without a preflight) is a 415.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    if (keys.length === 0) {
      if (!fromThisMachine(request.headers.host, request.headers.origin))
        return fail(reply, 403, 'Forbidden: without an API key this server answers only this machine');
      return;
    }
    if (request.method === 'GET' && request.url.split('?')[0]?.replace(/\/+$/, '') === '/health') return;
    const problem = authProblem(request.headers.authorization, keys);
    if (problem !== undefined) return fail(reply, 401, problem);
  });

  app.addHook('onResponse', async (request, reply) => {
    ctx.rt.out.info(
      `${request.method} ${request.url.split('?')[0] ?? ''} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms`,
    );
  });

  app.setErrorHandler(async (error: unknown, request, reply) => {
    if (error instanceof HttpError) return fail(reply, error.status, error.message, error.extra);
    if (AgentkernelError.isInstance(error)) return fail(reply, statusOf(error), messageWithHint(error));
    const framework = error as FastifyError;
    // The client is still sending the body it was refused; read it away (up to a bound), so it sees
    // the 413 instead of a connection reset in the middle of its upload.
    if (framework.code === 'FST_ERR_CTP_BODY_TOO_LARGE') await discardBody(request.raw, 4 * BODY_LIMIT);
    const status = framework.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500)
      return fail(reply, status, frameworkMessage(framework));
    // A bug of ours: the client learns that much; the server's log has the message (never a stack).
    ctx.rt.out.warn(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    return fail(reply, 500, 'Internal server error');
  });

  app.setNotFoundHandler((_request, reply) => fail(reply, 404, 'Not found'));

  app.get('/health', async () => ({ success: true, data: 'ok' }));
  runRoutes(app, ctx);
  sandboxRoutes(app, ctx);
  execRoutes(app, ctx);
  detachedRoutes(app, ctx);
  fileRoutes(app, ctx);
  snapshotRoutes(app, ctx);
  backendRoutes(app, ctx);
  return app;
}
