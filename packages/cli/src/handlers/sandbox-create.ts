import type { Handler } from '../commands/types.js';
import { createSandbox } from '../runtime/lifecycle.js';
import { newSandboxName } from '../runtime/names.js';
import { creationFor, type CreationFlags } from '../runtime/spec.js';
import { withInterrupt } from '../runtime/interrupt.js';
import { withRuntime } from '../runtime/runtime.js';
import { pushProject } from '../runtime/workspace.js';
import { describeSandbox } from '../runtime/view.js';

const create: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const loaded = await rt.config();
    const name = newSandboxName(
      args.name as string | undefined,
      loaded.config.sandbox.name,
      loaded.projectRoot,
    );
    const backend = await rt.defaultBackend();
    const creation = creationFor(loaded, backend, name, args as CreationFlags);
    for (const note of creation.notes ?? []) rt.out.warn(note);
    // Ctrl-C aborts the create: the backend removes what it made so far (or names it, when it cannot).
    const connected = await withInterrupt((signal) =>
      createSandbox(rt, {
        name,
        backend,
        creation,
        projectDir: loaded.projectRoot,
        stopped: args.start === false,
        specExtras: { signal },
        prepare: creation.mountCwd
          ? (fresh) => pushProject(rt, fresh, { reason: 'create', locked: true })
          : undefined,
      }),
    );
    const view = await describeSandbox(connected);
    if (rt.out.json) return rt.out.printJson(view);
    rt.out.info(`created sandbox ${name} on ${view.backend} (${view.status})`);
    if (creation.mountCwd) rt.out.info(`${loaded.projectRoot} is kept in step with ${view.workspaceDir}`);
  });

export default create;
