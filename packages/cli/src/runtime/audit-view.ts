import type { AuditEntry } from '@agentkernel/core';

/** One audit event as a short line: what happened, with the command and its exit code or the path. */
export function describeEvent(entry: AuditEntry): string {
  switch (entry.type) {
    case 'command_executed':
      return `exec ${JSON.stringify(entry.command.join(' '))} (exit code ${entry.exit_code ?? 'none: interrupted'})`;
    case 'file_written':
      return `file written: ${entry.path}`;
    case 'file_read':
      return `file read: ${entry.path}`;
    case 'sandbox_created':
      return `created on ${entry.backend}`;
    case 'sandbox_started':
      return 'started';
    case 'sandbox_stopped':
      return 'stopped';
    case 'sandbox_removed':
      return 'removed';
    case 'session_attached':
      return 'attached';
  }
}
