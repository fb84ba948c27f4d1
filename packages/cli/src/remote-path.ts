import { UsageError, isValidSandboxName } from '@agentkernel/core';

/** One side of `sandbox cp`: a path on this machine, or a path in a sandbox. */
export type CopyEndpoint =
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 'sandbox'; readonly sandbox: string; readonly path: string };

/**
 * Parses `NAME:PATH` (a sandbox path; PATH relative to the workspace unless absolute, empty for the
 * workspace itself) or a local path. Like `docker cp`, anything whose part before the first `:` is not a
 * valid sandbox name is local, and a local path containing `:` can always be written `./name:with:colon`.
 */
export function parseCopyEndpoint(text: string): CopyEndpoint {
  const colon = text.indexOf(':');
  if (colon > 0) {
    const sandbox = text.slice(0, colon);
    if (isValidSandboxName(sandbox)) return { kind: 'sandbox', sandbox, path: text.slice(colon + 1) };
  }
  if (text === '') throw new UsageError('an empty path was given to sandbox cp');
  return { kind: 'local', path: text };
}

/** The sandbox path a `NAME:PATH` designates, absolute: relative paths start at the workspace. */
export function sandboxPath(path: string, workspaceDir: string): string {
  if (path.startsWith('/')) return normalise(path);
  return normalise(path === '' ? workspaceDir : `${workspaceDir}/${path}`);
}

// POSIX normalisation of an absolute path, without node:path so the result is the same on any host.
function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  const joined = `/${parts.join('/')}`;
  return path.endsWith('/') && joined !== '/' ? `${joined}/` : joined;
}

/** Splits `sandbox cp SRC DST` into a direction, refusing local-to-local and sandbox-to-sandbox. */
export function copyDirection(
  src: CopyEndpoint,
  dst: CopyEndpoint,
):
  | {
      readonly direction: 'upload';
      readonly local: string;
      readonly sandbox: string;
      readonly remote: string;
    }
  | {
      readonly direction: 'download';
      readonly local: string;
      readonly sandbox: string;
      readonly remote: string;
    } {
  if (src.kind === 'local' && dst.kind === 'sandbox') {
    return { direction: 'upload', local: src.path, sandbox: dst.sandbox, remote: dst.path };
  }
  if (src.kind === 'sandbox' && dst.kind === 'local') {
    return { direction: 'download', local: dst.path, sandbox: src.sandbox, remote: src.path };
  }
  if (src.kind === 'local') {
    throw new UsageError(
      'sandbox cp needs one side in a sandbox, written NAME:PATH (e.g. demo:/workspace/file)',
    );
  }
  throw new UsageError(
    'sandbox cp copies between this machine and one sandbox; copy to a local folder first',
  );
}
