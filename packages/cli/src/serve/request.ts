import { isValidSandboxName } from '@agentkernel/core';
import { HttpError } from './http-error.js';

/** agentkernel's success envelope. */
export function ok<T>(data: T): { success: true; data: T } {
  return { success: true, data };
}

/** A sandbox (or snapshot) name from the URL or a body, checked as agentkernel checks it. */
export function checkedName(value: unknown, what = 'sandbox name'): string {
  if (typeof value === 'string' && isValidSandboxName(value)) return value;
  throw new HttpError(
    400,
    `Invalid ${what}: ${JSON.stringify(value)} (1 to 63 letters, digits, "-" or "_", starting and ending with a letter or digit, no two "-"/"_" in a row)`,
  );
}

export interface NameParams {
  readonly name: string;
}

const hasControl = (text: string): boolean =>
  [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);

/**
 * A path in a sandbox, as a client gives it: absolute, or relative to the workspace. Refused (400):
 * control characters (NUL among them), `..` segments, and paths longer than 4096 bytes. The backend
 * checks again where the path may lead (the local backend keeps every file operation in the workspace).
 */
export function sandboxFilePath(raw: string, workspaceDir: string): string {
  if (raw === '') throw new HttpError(400, 'A file path is required');
  if (Buffer.byteLength(raw) > 4096) throw new HttpError(400, 'Invalid path: longer than 4096 bytes');
  if (hasControl(raw)) throw new HttpError(400, 'Invalid path: it contains control characters');
  const segments = raw.split('/');
  if (segments.includes('..')) throw new HttpError(400, "Invalid path: it must not contain '..' segments");
  const parts = segments.filter((segment) => segment !== '' && segment !== '.');
  const absolute = raw.startsWith('/') ? parts : [...workspaceDir.split('/').filter(Boolean), ...parts];
  return `/${absolute.join('/')}`;
}

/** Schema of a command as agentkernel takes it: a non-empty array of strings. */
export const COMMAND_SCHEMA = { type: 'array', items: { type: 'string' }, minItems: 1 } as const;

/** The `profile` of agentkernel's API (a security profile); only `restrictive` changes anything here. */
export const SECURITY_PROFILES = ['permissive', 'moderate', 'restrictive'] as const;

/** `network: false` for the restrictive profile; nothing for the others; 400 for an unknown one. */
export function networkOfProfile(profile: unknown): { network?: boolean } {
  if (profile === undefined || profile === null) return {};
  if (typeof profile !== 'string' || !(SECURITY_PROFILES as readonly string[]).includes(profile))
    throw new HttpError(
      400,
      `Invalid profile ${JSON.stringify(profile)}. Use: ${SECURITY_PROFILES.join(', ')}`,
    );
  return profile === 'restrictive' ? { network: false } : {};
}
