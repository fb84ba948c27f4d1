// Plumbing every remote backend shares (DESIGN.md section 2): retries, byte-exact exec over a command
// API that returns text, and archives over exec.
export {
  causeChain,
  classify,
  classifyTransport,
  httpStatusOf,
  parseRetryAfter,
  retryAfterOf,
  statusTransience,
  type Classification,
  type ErrorClassifier,
  type Transience,
} from './transience.js';
export {
  backoffDelay,
  createRetrier,
  DEFAULT_RETRY_POLICY,
  withRetry,
  type CallExtras,
  type Doing,
  type Replay,
  type Retrier,
  type RetrierOptions,
  type RetryOptions,
  type RetryPolicy,
} from './retry.js';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  REQUEST_CONFIG_SCHEMA,
  requestSettings,
  type RequestSettings,
} from './retry-config.js';
export { GROUP_LEADER, killByIdScript, shellQuote, WrapperDecoder, wrapperScript } from './exec-wrapper.js';
export {
  execOverText,
  SIGKILL_EXIT_CODE,
  STDIN_CHUNK_BYTES,
  type TextCommand,
  type TextCommandApi,
  type TextExecTarget,
} from './text-exec.js';
export {
  ARCHIVE_EXIT,
  checkArchiveEntry,
  getArchiveViaExec,
  putArchiveViaExec,
  unpackCommand,
  type OpenSandboxFile,
} from './archive-exec.js';
export {
  checkRefBackend,
  checkSnapshotBackend,
  isOwned,
  OWNER_KEYS,
  ownedSandbox,
  ownerMetadata,
} from './ownership.js';
export { RemoteSandbox } from './remote-sandbox.js';
export { guardedCreate, type GuardedCreate } from './guarded-create.js';
export {
  cleanUpFailedCreate,
  failedCreateError,
  leftOverError,
  type FailedCreate,
  type FailedCreateCleanup,
  type LeftOver,
} from './create-cleanup.js';
export { REPLAYABLE_BODY_BYTES, replayableBody } from './replayable.js';
export { attachTerminal, type RemoteTerminal, type TerminalIo, type TerminalSize } from './terminal.js';
export { providerErrors, type ProviderErrors, type ProviderWords } from './provider-errors.js';
