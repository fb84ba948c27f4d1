// Tests import sibling workspace packages from their TypeScript sources (the `@agentkernel/source`
// export condition), so a change in core is seen by a plugin's tests without a rebuild.
import { packageVersionPlugin } from './scripts/package-version.mjs';

const conditions = ['@agentkernel/source', 'import', 'module', 'node', 'default'];

/** @type {import('vitest/config').UserConfig} */
export const sharedTestConfig = {
  plugins: [packageVersionPlugin()],
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
};
