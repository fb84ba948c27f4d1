export { pushWorkspace } from './push.js';
export { pullWorkspace } from './pull.js';
export { syncStatus } from './status.js';
export { workspaceRevision, type RevisionOptions } from './revision.js';
export { putArchiveViaExec } from './put-archive-exec.js';
export { UnsafeArchiveEntryError } from './errors.js';
export { BUILTIN_IGNORES, IGNORE_FILES } from './ignore-rules.js';
export type { EntryKind, SyncOptions, SyncPlan, SyncProgress, SyncReport, SyncStatus } from './types.js';
