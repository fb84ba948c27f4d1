import type { Handler } from '../commands/types.js';
import { commandJson, prepareCommand, runCommand, type CommandFlags } from '../runtime/command.js';
import { withInterrupt } from '../runtime/interrupt.js';
import { createSandbox, discardSandbox, ephemeralName } from '../runtime/lifecycle.js';
import { withRuntime } from '../runtime/runtime.js';
import { creationFor, type CreationFlags } from '../runtime/spec.js';
import { pullProject, pushProject } from '../runtime/workspace.js';

const run: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const command = prepareCommand(args as CommandFlags);
    const loaded = await rt.config();
    const backend = await rt.defaultBackend();
    const name = ephemeralName();
    const creation = creationFor(loaded, backend, name, args as CreationFlags);
    for (const note of creation.notes ?? []) rt.out.warn(note);
    const sync = creation.mountCwd && args.sync !== false;
    return withInterrupt(async (signal) => {
      const connected = await createSandbox(rt, {
        name,
        backend,
        creation,
        projectDir: loaded.projectRoot,
        specExtras: { signal },
        prepare: sync ? (fresh) => pushProject(rt, fresh, { reason: 'run', locked: true }) : undefined,
      });
      rt.out.debug(`created ${name} on ${connected.record.backend}`);
      try {
        const result = await runCommand(rt, connected, command, signal);
        if (sync) await pullProject(rt, connected, { reason: 'run' });
        if (rt.out.json) rt.out.printJson(commandJson(result));
        return result.exitCode;
      } finally {
        if (args.keep === true)
          rt.out.info(`kept sandbox ${name}; remove it with: agentkernel sandbox remove ${name}`);
        else await discardSandbox(rt, connected);
      }
    });
  });

export default run;
