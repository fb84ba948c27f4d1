import { AgentkernelError, ExitCode } from '../errors/errors.js';

/** A snapshot's archive does not match the checksum its manifest recorded. Exit code 3. */
export class SnapshotChecksumError extends AgentkernelError {
  readonly snapshot: string;
  readonly expected: string;
  readonly actual: string;
  constructor(snapshot: string, expected: string, actual: string, archive: string) {
    super(
      'SNAPSHOT_CHECKSUM_MISMATCH',
      `snapshot "${snapshot}" is corrupt: ${archive} has sha256 ${actual}, its manifest recorded ${expected}; nothing was restored`,
      ExitCode.backend,
      { hint: `take the snapshot again, or delete it with: agentkernel snapshot delete ${snapshot}` },
    );
    this.snapshot = snapshot;
    this.expected = expected;
    this.actual = actual;
  }
}
