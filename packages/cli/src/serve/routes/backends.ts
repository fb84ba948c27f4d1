import type { FastifyInstance } from 'fastify';
import { backendReadiness } from '../../runtime/readiness.js';
import type { ServeContext } from '../context.js';
import { ok } from '../request.js';

/** Beyond agentkernel's API: every discovered backend, which one is the default, and whether it is ready. */
export function backendRoutes(app: FastifyInstance, { rt, defaultBackend }: ServeContext): void {
  app.get('/backends', async () => {
    const [discovery, loaded] = await Promise.all([rt.discovery(), rt.config()]);
    const backends = await Promise.all(
      discovery.plugins.map(async (candidate) => ({
        ...(await backendReadiness(rt, loaded, candidate)),
        default: candidate.name === defaultBackend,
      })),
    );
    return ok(backends);
  });
}
