export { atomicWriteFile } from './atomic.js';
export { resolveHome } from './home.js';
export { DEFAULT_LOCK_TIMEOUT_MS, withFileLock } from './lock.js';
export type { SandboxRecord } from './record.js';
export { StateStore } from './store.js';
export { removeTree } from './remove-tree.js';
export { DetachedStore, type DetachedCommandRecord } from './detached-store.js';
export { AuditLog, type AuditEntry, type AuditEvent } from './audit.js';
