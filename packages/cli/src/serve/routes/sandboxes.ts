import type { FastifyInstance } from 'fastify';
import { destroySandbox, startSandbox, stopSandbox } from '../../runtime/lifecycle.js';
import type { ServeContext } from '../context.js';
import { CREATE_SCHEMA, createFromRequest, type CreateBody } from '../create.js';
import { HttpError } from '../http-error.js';
import { checkedName, ok, type NameParams } from '../request.js';
import { connectedInfo, listedInfo, sandboxUuid } from '../sandbox-info.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function sandboxRoutes(app: FastifyInstance, ctx: ServeContext): void {
  const { rt } = ctx;
  const state = () => rt.state();

  app.get('/sandboxes', async () => {
    const { records, problems } = await state().listSandboxes();
    for (const problem of problems) rt.out.warn(problem);
    return ok(await Promise.all(records.map((record) => listedInfo(rt, record))));
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

  app.post<{ Params: NameParams }>('/sandboxes/:name/start', async (request) => {
    await startSandbox(rt, checkedName(request.params.name));
    return ok('Sandbox started');
  });

  app.post<{ Params: NameParams }>('/sandboxes/:name/stop', async (request) => {
    await stopSandbox(rt, checkedName(request.params.name));
    return ok('Sandbox stopped');
  });

  // agentkernel keeps an audit log; this server keeps what state knows: when the sandbox was made.
  app.get<{ Params: NameParams }>('/sandboxes/:name/logs', async (request) => {
    const record = await state().requireSandbox(checkedName(request.params.name));
    return ok([
      { timestamp: record.createdAt, type: 'sandbox_created', sandbox: record.name, backend: record.backend },
    ]);
  });
}
