export { testBackend } from './test-backend.js';
export type { TestBackendOptions } from './harness.js';
export { testPluginShape, type TestPluginShapeOptions } from './suites/shape.js';
export { createTarGz, readTarGz, type TarEntry, type TarListing } from './tar.js';
export { openForTest, quietLogger, type OpenForTestOptions } from './open.js';
export { liveSkipReason, whenLive, type LiveGateOptions } from './live.js';
export { testFaultMatrix, type FaultMatrixOptions } from './fault-matrix.js';
