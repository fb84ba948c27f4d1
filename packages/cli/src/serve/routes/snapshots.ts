import type { FastifyInstance } from 'fastify';
import { restoreSnapshot } from '../../runtime/restore.js';
import { deleteSandboxSnapshot, snapshotStore, takeSandboxSnapshot } from '../../runtime/snapshots.js';
import { clientGone } from '../abort.js';
import type { ServeContext } from '../context.js';
import { HttpError } from '../http-error.js';
import { checkedName, ok, type NameParams } from '../request.js';
import { connectedInfo } from '../sandbox-info.js';

const TAKE_SCHEMA = {
  type: 'object',
  required: ['sandbox'],
  properties: { sandbox: { type: 'string' }, name: { type: 'string' } },
} as const;

interface RestoreBody {
  readonly as_name?: unknown;
  readonly backend?: unknown;
}

// The SDK sends no body at all, which a schema would refuse; `as_name` and `backend` are for other clients.
function restoreBody(body: unknown): { as?: string; backend?: string } {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new HttpError(400, 'Invalid request: body must be an object');
  const { as_name: as, backend } = body as RestoreBody;
  if (backend !== undefined && (typeof backend !== 'string' || backend === ''))
    throw new HttpError(400, 'Invalid request: backend must be a backend name');
  return {
    ...(as === undefined ? {} : { as: checkedName(as) }),
    ...(backend === undefined ? {} : { backend }),
  };
}

/**
 * Snapshots are the portable ones of the CLI (DESIGN.md section 8): their manifest carries agentkernel's
 * `SnapshotMeta` fields (`name`, `sandbox`, `image_tag`, `backend`, `base_image`, `vcpus`, `memory_mb`,
 * `created_at`), so it is answered as it is.
 */
export function snapshotRoutes(app: FastifyInstance, { rt }: ServeContext): void {
  app.get('/snapshots', async () =>
    ok(
      await snapshotStore(rt).list({
        onInvalid: (name, error) => rt.out.warn(`snapshot ${name} skipped: ${error.detail}`),
      }),
    ),
  );

  // agentkernel requires `name`; the SDK types it optional, so without one it gets the CLI's default.
  app.post<{ Body: { sandbox: string; name?: string } }>(
    '/snapshots',
    { schema: { body: TAKE_SCHEMA } },
    async (request, reply) => {
      const { sandbox, name } = request.body;
      return ok(
        await takeSandboxSnapshot(rt, {
          sandbox: checkedName(sandbox),
          ...(name === undefined ? {} : { name: checkedName(name, 'snapshot name') }),
          signal: clientGone(reply),
        }),
      );
    },
  );

  app.get<{ Params: NameParams }>('/snapshots/:name', async (request) =>
    ok(await snapshotStore(rt).read(checkedName(request.params.name, 'snapshot name'))),
  );

  app.delete<{ Params: NameParams }>('/snapshots/:name', async (request) => {
    await deleteSandboxSnapshot(rt, checkedName(request.params.name, 'snapshot name'));
    return ok('Snapshot deleted');
  });

  app.post<{ Params: NameParams }>('/snapshots/:name/restore', async (request, reply) => {
    const { connected } = await restoreSnapshot(rt, {
      snapshot: checkedName(request.params.name, 'snapshot name'),
      ...restoreBody(request.body),
      signal: clientGone(reply),
    });
    return ok(await connectedInfo(connected));
  });
}
