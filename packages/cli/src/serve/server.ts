import { AgentkernelError, redact } from '@agentkernel/core';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { authProblem } from './auth.js';
import type { ServeContext } from './context.js';
import { HttpError, messageWithHint, statusOf } from './http-error.js';
import { isLoopback } from './options.js';
import { backendRoutes } from './routes/backends.js';
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
 * A browser page cannot send `Authorization`, but without a key a page the user visits could still
 * reach a loopback server through DNS rebinding: its requests then carry the attacker's host name. So a
 * server without keys answers only requests addressed to a loopback name.
 */
function hostAllowed(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return isLoopback(name);
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

  app.addHook('onRequest', async (request, reply) => {
    if (keys.length === 0) {
      if (!hostAllowed(request.headers.host))
        return fail(reply, 403, 'Forbidden: this server answers only requests addressed to localhost');
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

  app.setErrorHandler((error: unknown, _request, reply) => {
    if (error instanceof HttpError) return fail(reply, error.status, error.message, error.extra);
    if (AgentkernelError.isInstance(error)) return fail(reply, statusOf(error), messageWithHint(error));
    const framework = error as FastifyError;
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
  fileRoutes(app, ctx);
  snapshotRoutes(app, ctx);
  backendRoutes(app, ctx);
  return app;
}
