import type { Handler } from '../commands/types.js';
import { prepareCommand, runCommand, type CommandFlags } from '../runtime/command.js';
import { withInterrupt } from '../runtime/interrupt.js';
import { withRuntime } from '../runtime/runtime.js';
import { pullProject, pushProject, syncsProject } from '../runtime/workspace.js';

const exec: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const command = prepareCommand(args as CommandFlags);
    const connected = await rt.connect(args.name as string);
    const sync = syncsProject(connected.record, args.sync !== false);
    if (sync) await pushProject(rt, connected, { reason: 'exec' });
    const result = await withInterrupt((signal) => runCommand(rt, connected.handle, command, signal));
    if (sync) await pullProject(rt, connected, { reason: 'exec' });
    return result.exitCode;
  });

export default exec;
