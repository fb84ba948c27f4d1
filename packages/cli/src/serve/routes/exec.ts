import type { FastifyInstance } from 'fastify';
import { pullProject, pushProject, syncsProject } from '../../runtime/workspace.js';
import { clientGone } from '../abort.js';
import type { ServeContext } from '../context.js';
import {
  COMMAND_REQUEST_SCHEMA,
  execCollected,
  exitError,
  preparedFrom,
  type CommandRequest,
} from '../exec-output.js';
import { checkedName, ok, type NameParams } from '../request.js';

export function execRoutes(app: FastifyInstance, { rt }: ServeContext): void {
  // As `agentkernel exec`: a sandbox synced with a host folder gets it pushed before and pulled after.
  app.post<{ Params: NameParams; Body: CommandRequest }>(
    '/sandboxes/:name/exec',
    { schema: { body: COMMAND_REQUEST_SCHEMA } },
    async (request, reply) => {
      const connected = await rt.connect(checkedName(request.params.name));
      const command = preparedFrom(request.body, connected.record.workspaceDir);
      const sync = syncsProject(connected.record, true);
      if (sync) await pushProject(rt, connected, { reason: 'exec' });
      const result = await execCollected(rt, connected, command, clientGone(reply));
      if (sync) await pullProject(rt, connected, { reason: 'exec' });
      if (result.exitCode !== 0) throw exitError(result.exitCode, result.output);
      return ok({ output: result.output });
    },
  );
}
