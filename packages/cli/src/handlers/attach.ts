import { optionalMethod, UsageError } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { withRuntime } from '../runtime/runtime.js';
import { pullProject, pushProject, syncsProject } from '../runtime/workspace.js';

const attach: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const extra = args['--'];
    if (Array.isArray(extra) && extra.length > 0) {
      throw new UsageError(
        `attach opens a shell and takes no command (got ${JSON.stringify(extra.join(' '))}); run one with: agentkernel exec ${typeof args.name === 'string' ? args.name : 'NAME'} ${extra.join(' ')}`,
      );
    }
    const connected = await rt.connect(await rt.sandboxName(args.name, 'attach'));
    const { record, handle } = connected;
    const shell = optionalMethod(
      record.backend,
      handle,
      'shell',
      'pty',
      `it has no terminal to attach to; run commands with: agentkernel exec ${record.name} -- COMMAND`,
    );
    const sync = syncsProject(record, args.sync !== false);
    if (sync) await pushProject(rt, connected, { reason: 'attach' });
    rt.out.info(`attached to ${record.name} (${record.backend}); exit the shell to come back`);
    await rt.audit({ type: 'session_attached', sandbox: record.name });
    const code = await shell({ cwd: record.workspaceDir });
    if (sync) await pullProject(rt, connected, { reason: 'attach' });
    return code;
  });

export default attach;
