export { pushWorkspace } from './push.js';
export { pullWorkspace } from './pull.js';
export { syncStatus } from './status.js';
export { workspaceRevision, type RevisionOptions } from './revision.js';
export { UnsafeArchiveEntryError } from './errors.js';
export { BUILTIN_IGNORES, IGNORE_FILES } from './ignore-rules.js';
export type { EntryKind, SyncOptions, SyncPlan, SyncProgress, SyncReport, SyncStatus } from './types.js';
export { packPaths, type PackedArchive } from './pack.js';
export { extractArchive, type ExtractOptions, type ExtractResult } from './safe-extract.js';
