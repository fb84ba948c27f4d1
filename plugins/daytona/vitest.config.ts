import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// Vitest hands the resolve conditions to Node as --conditions for every module Node loads itself. With
// `import` among them, the SDK's isomorphic-ws does `require('ws')` into ws's ESM wrapper and gets a
// namespace instead of the WebSocket class; without it, Node resolves `ws` as it does outside tests.
const conditions = ['@agentkernel/source', 'node', 'default'];

export default defineConfig({
  ...sharedTestConfig,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
});
