import type { Io } from '../output/io.js';
import type { GlobalArgs } from '../commands/types.js';
import { withInterrupt } from '../runtime/interrupt.js';
import { withRuntime } from '../runtime/runtime.js';
import { serveOptions, type ServeFlags } from './options.js';
import { buildServer } from './server.js';

/**
 * Runs the HTTP API until SIGINT or SIGTERM, then stops taking requests, lets those under way finish and
 * closes the backends. `-B` chooses where new sandboxes go; sandboxes already recorded stay on theirs.
 */
export async function serve(args: GlobalArgs & ServeFlags, io: Io): Promise<number> {
  const options = await serveOptions(args, io.env, io.cwd);
  // One runtime for the server's life: each backend is opened once, whatever the number of requests.
  const { backend, ...rest } = args;
  await withRuntime(rest, io, async (rt) => {
    const defaultBackend = backend ?? (await rt.defaultBackend());
    await rt.plugin(defaultBackend);
    const app = buildServer({ rt, options, defaultBackend });
    await withInterrupt(async (signal) => {
      const address = await app.listen({ host: options.host, port: options.port });
      const auth = options.keys.length > 0 ? `${options.keys.length} API key(s) required` : 'no API key';
      rt.out.info(
        `serving agentkernel's HTTP API on ${address} (${auth}); new sandboxes go to ${defaultBackend}`,
      );
      // For scripts and tests that start the server on port 0: the address, alone on stdout.
      rt.out.line(address);
      if (!signal.aborted)
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      await app.close();
    });
  });
  return 0;
}
