// What every offline provider fake shares (DESIGN.md sections 2 and 10); a fake keeps only its
// provider's wire protocol.
export { AsyncQueue } from './async-queue.js';
export {
  applyFault,
  FAULT_NAMES,
  faultOf,
  FaultInjector,
  faultReplyOf,
  type FaultKind,
  type FaultName,
  type FaultReply,
  type FaultSpec,
  type RandomFaults,
} from './faults.js';
export {
  dropConnection,
  readBody,
  readJsonObject,
  sendReply,
  stringRecord,
  swallowResponse,
  type FakeHttpRequest,
  type FakeHttpResponse,
  type Reply,
} from './http.js';
export {
  grpcStatusOf,
  listenGrpc,
  serviceOf,
  ServerError,
  Status,
  type CallContext,
  type GrpcCallRecord,
  type GrpcFaultTrailer,
  type GrpcListener,
  type GrpcService,
  type ListenGrpcOptions,
} from './grpc.js';
export { openFakeHome, type Closable, type FakeHome } from './fake-home.js';
export { admit, intake, type FakeRequestRecord, type Intake, type IntakeOptions } from './intake.js';
export { randomId, randomToken, seededRandom } from './ids.js';
export {
  createSandboxFolders,
  resolveInSandbox,
  sandboxMounts,
  writableMounts,
  type SandboxLayout,
} from './layout.js';
export { LiveEnvironment } from './live-environment.js';
export { listen, type FakeHandler, type FakeListener, type ListenOptions } from './listen.js';
export { FakeProcess, ProcessTable, type ProcessEnd, type ProcessOutput } from './processes.js';
export { ptyArgv, ptyInput, ptyResize, type PtySize } from './pty.js';
export {
  FakeRouter,
  onRecord,
  type RouteExchange,
  type RouteHandler,
  type RouteMatch,
  type RouteMisses,
  type RouteRequest,
} from './router.js';
export {
  faultControls,
  fakeTraffic,
  summaryOf,
  type FakeEdge,
  type FakeOptions,
  type FakeTraffic,
  type FaultControls,
  type HttpFake,
  type RunningFake,
  type Summary,
} from './running-fake.js';
export { procDirOf, spawnInSandbox, type SandboxCommand, type SpawnTarget } from './sandbox-spawn.js';
export {
  exportLines,
  parseServeArgs,
  shellQuote,
  SERVE_USAGE,
  serveFake,
  ServeUsageError,
  type ServeArgs,
  type ServedFake,
} from './serve.js';
