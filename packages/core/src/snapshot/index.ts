export {
  SNAPSHOT_SPEC_VERSION,
  checkSnapshotManifest,
  type SnapshotManifest,
  type SnapshotSource,
  type SnapshotWorkspace,
} from './manifest.js';
export { LocalSnapshotStore, type SnapshotStore } from './store.js';
export { takeSnapshot, type TakeSnapshotOptions } from './take.js';
export { restoreWorkspace, type RestoreWorkspaceOptions } from './restore.js';
export { availableSnapshotName, defaultSnapshotName } from './names.js';
export { SnapshotChecksumError } from './errors.js';
