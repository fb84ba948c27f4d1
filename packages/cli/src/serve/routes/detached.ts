import type { FastifyInstance } from 'fastify';
import {
  describeDetachedCommand,
  detachedLogs,
  killDetachedCommand,
  listDetachedCommands,
  startDetachedCommand,
  type DetachedView,
} from '../../runtime/detached.js';
import { pushProject, syncsProject } from '../../runtime/workspace.js';
import type { ServeContext } from '../context.js';
import { COMMAND_REQUEST_SCHEMA, OutputBuffer, preparedFrom, type CommandRequest } from '../exec-output.js';
import { HttpError } from '../http-error.js';
import { checkedName, ok } from '../request.js';

interface CommandParams {
  readonly name: string;
  readonly id: string;
}

/**
 * agentkernel's `DetachedCommand`. Its three statuses are kept (a killed or lost command has `failed`,
 * a killed one exit code 137, as agentkernel reports it); `state` says which of ours it is.
 */
function detachedCommand(view: DetachedView) {
  const killed = view.status === 'killed';
  const status =
    view.status === 'killed' || view.status === 'lost'
      ? 'failed'
      : view.status === 'unknown'
        ? 'running'
        : view.status;
  return {
    id: view.id,
    sandbox: view.sandbox,
    command: view.command,
    pid: view.pid,
    status,
    exit_code: killed ? (view.exitCode ?? 137) : view.exitCode,
    started_at: view.startedAt,
    state: view.status,
  };
}

/** Detached commands, recorded in state by the runtime, so they outlive the server (agentkernel's do not). */
export function detachedRoutes(app: FastifyInstance, { rt }: ServeContext): void {
  app.post<{ Params: { name: string }; Body: CommandRequest }>(
    '/sandboxes/:name/exec/detach',
    { schema: { body: COMMAND_REQUEST_SCHEMA } },
    async (request) => {
      if (request.body.timeout !== undefined)
        throw new HttpError(400, 'timeout does not apply to a detached command; kill it instead');
      const connected = await rt.connect(checkedName(request.params.name));
      const command = preparedFrom(request.body, connected.record.workspaceDir);
      if (syncsProject(connected.record, true)) await pushProject(rt, connected, { reason: 'exec --detach' });
      return ok(detachedCommand(await startDetachedCommand(rt, connected, command)));
    },
  );

  app.get<{ Params: { name: string } }>('/sandboxes/:name/exec/detached', async (request) =>
    ok((await listDetachedCommands(rt, checkedName(request.params.name))).map(detachedCommand)),
  );

  app.get<{ Params: CommandParams }>('/sandboxes/:name/exec/detached/:id', async (request) =>
    ok(
      detachedCommand(await describeDetachedCommand(rt, checkedName(request.params.name), request.params.id)),
    ),
  );

  app.get<{ Params: CommandParams; Querystring: { stream?: string } }>(
    '/sandboxes/:name/exec/detached/:id/logs',
    async (request) => {
      const stream = request.query.stream ?? 'stdout';
      if (stream !== 'stdout' && stream !== 'stderr')
        throw new HttpError(400, `Invalid stream ${JSON.stringify(stream)}: use stdout or stderr`);
      const output = new OutputBuffer();
      await detachedLogs(rt, checkedName(request.params.name), request.params.id, {
        stream,
        follow: false,
        onOutput: output.push,
      });
      return ok({ [stream]: output.text() });
    },
  );

  app.delete<{ Params: CommandParams }>('/sandboxes/:name/exec/detached/:id', async (request) => {
    await killDetachedCommand(rt, checkedName(request.params.name), request.params.id);
    return ok('Command killed');
  });
}
