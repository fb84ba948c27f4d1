import type { FastifyInstance } from 'fastify';
import { checkLabels, matchesLabels, parseLabels } from '../../runtime/labels.js';
import { parseDuration } from '@agentkernel/core';
import {
  destroySandbox,
  extendSandbox,
  startSandbox,
  stopSandbox,
  updateSandbox,
} from '../../runtime/lifecycle.js';
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

const DEFAULT_EXTEND = '1h';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function sandboxRoutes(app: FastifyInstance, ctx: ServeContext): void {
  const { rt } = ctx;
  const state = () => rt.state();

  app.get<{ Querystring: { label?: string | string[] } }>('/sandboxes', async (request) => {
    const label = request.query.label;
    const wanted = parseLabels(
      label === undefined ? [] : Array.isArray(label) ? label : [label],
      ':',
      'label filter',
    );
    const { records, problems } = await state().listSandboxes();
    for (const problem of problems) rt.out.warn(problem);
    const chosen = records.filter((record) => matchesLabels(record.labels, wanted));
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
    return ok(await connectedInfo(await rt.connect(record.name, { expired: 'allow' })));
  });

  app.get<{ Params: NameParams }>('/sandboxes/:name', async (request) =>
    ok(await connectedInfo(await rt.connect(checkedName(request.params.name), { expired: 'allow' }))),
  );

  // Idempotent, as agentkernel's is: removing a sandbox that is not there succeeds.
  app.delete<{ Params: NameParams }>('/sandboxes/:name', async (request) => {
    const name = checkedName(request.params.name);
    await state().withSandboxLock(name, async () => {
      if ((await state().readSandbox(name)) === undefined) return;
      await destroySandbox(rt, await rt.connect(name, { expired: 'allow' }));
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
      return ok(await connectedInfo(await rt.connect(name, { expired: 'allow' })));
    },
  );

  // agentkernel's body is optional; without `by` a sandbox gets an hour more, as its CLI suggests.
  // Checked here rather than by a body schema, which would refuse the absent body agentkernel allows.
  app.post<{ Params: NameParams; Body: unknown }>('/sandboxes/:name/extend', async (request) => {
    const name = checkedName(request.params.name);
    const body = request.body ?? {};
    const given = isPlainObject(body) ? body.by : body;
    if (!isPlainObject(body) || (given !== undefined && typeof given !== 'string'))
      throw new HttpError(
        400,
        'body must be {"by": "30m"} (by optional: a duration such as 90s, 30m, 1h, 2d)',
      );
    const by = parseDuration(given ?? DEFAULT_EXTEND, 'by');
    if (by === 0) throw new HttpError(400, 'by "0": give a duration of more than 0, e.g. "30m"');
    const record = await extendSandbox(rt, name, by);
    return ok({ expires_at: record.expiresAt ?? null });
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
