export { testBackend } from './test-backend.js';
export { testSync, type TestSyncOptions } from './test-sync.js';
export { describeLocalTree, describeSandboxTree, sandboxShell } from './sync-tree.js';
export type { TestBackendOptions } from './harness.js';
export { testPluginShape, type TestPluginShapeOptions } from './suites/shape.js';
export { createTarGz, readTarGz, type TarEntry, type TarListing } from './tar.js';
export { openForTest, quietLogger, type OpenForTestOptions } from './open.js';
export { liveSkipReason, whenLive, type LiveGateOptions } from './live.js';
export { testFaultMatrix, type FaultMatrixOptions } from './fault-matrix.js';
export { SETTLE, sandboxSpecs, sourceFiles } from './fixtures.js';
export {
  testProviderFaults,
  type FaultableFake,
  type InjectedFault,
  type ProviderFaultsOptions,
} from './provider-faults.js';
