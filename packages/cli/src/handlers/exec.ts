import { UsageError } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { commandJson, prepareCommand, runCommand, type CommandFlags } from '../runtime/command.js';
import { startDetachedCommand } from '../runtime/detached.js';
import { InterruptedError, withInterrupt } from '../runtime/interrupt.js';
import { withRuntime } from '../runtime/runtime.js';
import { pullProject, pushProject, syncsProject } from '../runtime/workspace.js';

const exec: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const command = prepareCommand(args as CommandFlags);
    const detach = args.detach === true;
    if (detach && (command.timeoutMs !== undefined || command.stdin)) {
      throw new UsageError(`--${command.stdin ? 'stdin' : 'timeout'} does not apply to exec --detach`, {
        hint: 'end a detached command with: agentkernel sandbox exec-kill NAME ID',
      });
    }
    const connected = await rt.connect(await rt.sandboxName(args.name, 'exec'));
    const name = connected.record.name;
    const sync = syncsProject(connected.record, args.sync !== false);
    if (sync) await pushProject(rt, connected, { reason: 'exec' });
    if (detach) {
      const view = await startDetachedCommand(rt, connected, command);
      if (rt.out.json) return rt.out.printJson(view);
      rt.out.line(view.id);
      rt.out.info(
        `follow it with: agentkernel sandbox exec-logs ${name} ${view.id} --follow; end it with: agentkernel sandbox exec-kill ${name} ${view.id}`,
      );
      if (sync)
        rt.out.info(`the workspace is not pulled back; when it ends run: agentkernel sync pull ${name}`);
      return;
    }
    let result;
    try {
      result = await withInterrupt((signal) => runCommand(rt, connected, command, signal));
    } catch (error) {
      if (sync && error instanceof InterruptedError)
        rt.out.warn(
          `the workspace was not pulled back (interrupted); pull it with: agentkernel sync pull ${name}`,
        );
      throw error;
    }
    if (sync) await pullProject(rt, connected, { reason: 'exec' });
    if (rt.out.json) rt.out.printJson(commandJson(result));
    return result.exitCode;
  });

export default exec;
