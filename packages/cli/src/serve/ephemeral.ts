import { createSandbox, discardSandbox, ephemeralName } from '../runtime/lifecycle.js';
import type { Connected } from '../runtime/runtime.js';
import { creationFor } from '../runtime/spec.js';
import type { ServeContext } from './context.js';
import { networkOfProfile } from './request.js';

/** What `/run`, `/run/stream` and `/batch/run` take besides the command. */
export interface RunShape {
  readonly image?: string;
  readonly profile?: string;
  /** agentkernel's pooled container; there is no pool here, so every run gets a fresh sandbox. */
  readonly fast?: boolean;
}

/**
 * Runs `body` in a fresh sandbox on the default backend, as `agentkernel run` does, destroying the
 * sandbox however it ends. The server's own folder is never synced into it.
 */
export async function withEphemeralSandbox<T>(
  ctx: ServeContext,
  shape: RunShape,
  signal: AbortSignal,
  body: (connected: Connected) => Promise<T>,
): Promise<T> {
  const { rt, defaultBackend } = ctx;
  const loaded = await rt.config();
  const name = ephemeralName();
  const creation = creationFor(loaded, defaultBackend, name, {
    ...(shape.image === undefined ? {} : { image: shape.image }),
    ...networkOfProfile(shape.profile),
    mountCwd: false,
  });
  const connected = await createSandbox(rt, {
    name,
    backend: defaultBackend,
    creation,
    projectDir: loaded.projectRoot,
    specExtras: { signal },
  });
  try {
    return await body(connected);
  } finally {
    await discardSandbox(rt, connected);
  }
}
