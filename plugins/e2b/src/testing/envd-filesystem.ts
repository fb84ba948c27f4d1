import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { DescMethodServerStreaming, DescMethodUnary, DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, type ConnectRouter } from '@connectrpc/connect';
import { sandboxOf } from './envd-context.js';
import { entryInfo, fsError, requireWritable, resolveOrThrow } from './envd-entries.js';
import type { ResolvedPath } from './layout.js';
import { Watchers, watchDir } from './envd-watch.js';

interface PathMsg {
  path: string;
}

async function listDir(dir: ResolvedPath, depth: number, out: Record<string, unknown>[]): Promise<void> {
  const names = await readdir(dir.hostPath);
  for (const name of names.sort()) {
    const child: ResolvedPath = {
      ok: true,
      sandboxPath: posix.join(dir.sandboxPath, name),
      hostPath: `${dir.hostPath}/${name}`,
      writable: dir.writable,
    };
    const entry = await entryInfo(child);
    out.push(entry);
    if (depth > 1 && entry.type === 2) await listDir(child, depth - 1, out);
  }
}

function unary(service: DescService, name: string): DescMethodUnary {
  return service.method[name] as DescMethodUnary;
}

/** Serves envd's `filesystem.Filesystem` service on `router`, on the sandbox's folders. */
export function registerFilesystemService(router: ConnectRouter, service: DescService): void {
  const watchers = new Watchers();
  router.rpc(unary(service, 'stat'), async (request, context) => {
    const { path } = request as unknown as PathMsg;
    const resolved = await resolveOrThrow(sandboxOf(context), path);
    try {
      return { entry: await entryInfo(resolved) };
    } catch (error) {
      throw fsError(error, path);
    }
  });
  router.rpc(unary(service, 'makeDir'), async (request, context) => {
    const { path } = request as unknown as PathMsg;
    const resolved = await resolveOrThrow(sandboxOf(context), path);
    requireWritable(resolved, path);
    const existing = await stat(resolved.hostPath).catch(() => undefined);
    if (existing?.isDirectory() === true)
      throw new ConnectError(`directory '${path}' already exists`, Code.AlreadyExists);
    if (existing !== undefined)
      throw new ConnectError(`path '${path}' already exists and is not a directory`, Code.InvalidArgument);
    try {
      await mkdir(resolved.hostPath, { recursive: true });
      return { entry: await entryInfo(resolved) };
    } catch (error) {
      throw fsError(error, path);
    }
  });
  router.rpc(unary(service, 'move'), async (request, context) => {
    const { source, destination } = request as unknown as { source: string; destination: string };
    const sandbox = sandboxOf(context);
    const from = await resolveOrThrow(sandbox, source, false);
    const to = await resolveOrThrow(sandbox, destination, false);
    requireWritable(from, source);
    requireWritable(to, destination);
    try {
      await mkdir(posix.dirname(to.hostPath), { recursive: true });
      await rename(from.hostPath, to.hostPath);
      return { entry: await entryInfo(to) };
    } catch (error) {
      throw fsError(error, source);
    }
  });
  router.rpc(unary(service, 'listDir'), async (request, context) => {
    const { path, depth } = request as unknown as PathMsg & { depth: number };
    const resolved = await resolveOrThrow(sandboxOf(context), path);
    const info = await stat(resolved.hostPath).catch((error: unknown) => {
      throw fsError(error, path);
    });
    if (!info.isDirectory())
      throw new ConnectError(`path '${path}' is not a directory`, Code.InvalidArgument);
    const entries: Record<string, unknown>[] = [];
    await listDir(resolved, Math.max(1, depth), entries);
    return { entries };
  });
  router.rpc(unary(service, 'remove'), async (request, context) => {
    const { path } = request as unknown as PathMsg;
    const resolved = await resolveOrThrow(sandboxOf(context), path, false);
    requireWritable(resolved, path);
    await rm(resolved.hostPath, { recursive: true, force: true }).catch((error: unknown) => {
      throw fsError(error, path);
    });
    return {};
  });
  router.rpc(service.method.watchDir as DescMethodServerStreaming, (request, context) =>
    watchDir(sandboxOf(context), request as unknown as { path: string; recursive: boolean }, context),
  );
  router.rpc(unary(service, 'createWatcher'), async (request, context) => ({
    watcherId: await watchers.create(
      sandboxOf(context),
      request as unknown as { path: string; recursive: boolean },
    ),
  }));
  router.rpc(unary(service, 'getWatcherEvents'), (request) => ({
    events: watchers.drain((request as unknown as { watcherId: string }).watcherId),
  }));
  router.rpc(unary(service, 'removeWatcher'), (request) => {
    watchers.remove((request as unknown as { watcherId: string }).watcherId);
    return {};
  });
}
