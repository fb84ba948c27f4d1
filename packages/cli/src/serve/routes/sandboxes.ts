import type { FastifyInstance } from 'fastify';
import { checkLabels, matchesLabels } from '../../runtime/labels.js';
import { destroySandbox, startSandbox, stopSandbox, updateSandbox } from '../../runtime/lifecycle.js';
import type { ServeContext } from '../context.js';
import { CREATE_SCHEMA, createFromRequest, type CreateBody } from '../create.js';
import { HttpError } from '../http-error.js';
import { checkedName, ok, type NameParams } from '../request.js';
import { connectedInfo, listedInfo, sandboxUuid } from '../sandbox-info.js';

const PATCH_SCHEMA = {
  type: 'object',
  properties: {
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    description: { type: 'string', maxLength: 1024 },
  },
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function sandboxRoutes(app: FastifyInstance, ctx: ServeContext): void {
  const { rt } = ctx;
  const state = () => rt.state();

  app.get<{ Querystring: { label?: string | string[] } }>('/sandboxes', async (request) => {
    const label = request.query.label;
    const filters = label === undefined ? [] : Array.isArray(label) ? label : [label];
    const { records, problems } = await state().listSandboxes();
    for (const problem of problems) rt.out.warn(problem);
    const chosen = records.filter((record) => matchesLabels(record.labels, filters));
    return ok(await Promise.all(chosen.map((record) => listedInfo(rt, record))));
  });

  app.post<{ Body: CreateBody }>(
    '/sandboxes',
    { schema: { body: CREATE_SCHEMA } },
    async (request, reply) => {
      const connected = await createFromRequest(ctx, request.body);
      return reply.code(201).send(ok(await connectedInfo(connected)));
    },
  );

  app.get<{ Params: { uuid: string } }>('/sandboxes/by-uuid/:uuid', async (request) => {
    const uuid = request.params.uuid.toLowerCase();
    if (!UUID.test(uuid)) throw new HttpError(400, 'Invalid sandbox UUID');
    const { records } = await state().listSandboxes();
    const record = records.find((candidate) => sandboxUuid(candidate) === uuid);
    if (record === undefined) throw new HttpError(404, 'Sandbox not found');
    return ok(await connectedInfo(await rt.connect(record.name)));
  });

  app.get<{ Params: NameParams }>('/sandboxes/:name', async (request) =>
    ok(await connectedInfo(await rt.connect(checkedName(request.params.name)))),
  );

  // Idempotent, as agentkernel's is: removing a sandbox that is not there succeeds.
  app.delete<{ Params: NameParams }>('/sandboxes/:name', async (request) => {
    const name = checkedName(request.params.name);
    await state().withSandboxLock(name, async () => {
      if ((await state().readSandbox(name)) === undefined) return;
      await destroySandbox(rt, await rt.connect(name));
    });
    return ok('Sandbox removed');
  });

  app.patch<{ Params: NameParams; Body: { labels?: Record<string, string>; description?: string } }>(
    '/sandboxes/:name',
    { schema: { body: PATCH_SCHEMA } },
    async (request) => {
      const name = checkedName(request.params.name);
      const { labels, description } = request.body;
      await updateSandbox(rt, name, {
        ...(labels === undefined ? {} : { labels: checkLabels(labels) }),
        ...(description === undefined ? {} : { description }),
      });
      return ok(await connectedInfo(await rt.connect(name)));
    },
  );

  // Sandbox lifetimes (TTLs) are not recorded by this server yet: said so, rather than pretended.
  app.post<{ Params: NameParams }>('/sandboxes/:name/extend', async (request) => {
    await state().requireSandbox(checkedName(request.params.name));
    throw new HttpError(501, 'Sandbox TTLs are not supported by this server yet');
  });

  app.post<{ Params: NameParams }>('/sandboxes/:name/start', async (request) => {
    await startSandbox(rt, checkedName(request.params.name));
    return ok('Sandbox started');
  });

  app.post<{ Params: NameParams }>('/sandboxes/:name/stop', async (request) => {
    await stopSandbox(rt, checkedName(request.params.name));
    return ok('Sandbox stopped');
  });

  // agentkernel's answer: the sandbox's audit entries, oldest first; 404 when there is no such sandbox.
  app.get<{ Params: NameParams }>('/sandboxes/:name/logs', async (request) => {
    const record = await state().requireSandbox(checkedName(request.params.name));
    return ok(await state().audit.forSandbox(record.name));
  });
}
