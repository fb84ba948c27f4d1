import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import busboy from 'busboy';
import {
  readJsonObject,
  type FakeHttpRequest,
  type FakeHttpResponse,
  type Reply,
} from '@agentkernel/fake-kit';
import { daemonError } from './replies.js';
import { runInSandbox, streamFromSandbox, type SandboxContext } from './run.js';

// Scripts run in the sandbox, as the daemon acts as the sandbox's user: a request can reach nothing the
// sandbox cannot. $1 is always the path.
const WRITE =
  'mkdir -p -- "$(dirname -- "$1")" && t="$1.daytona-upload.$$" && cat > "$t" && mv -f -- "$t" "$1"';
const CHECK_FILE = '[ -f "$1" ] && [ -r "$1" ] && exit 0; [ -e "$1" ] && exit 3; exit 2';
const INFO = `find "$1" -maxdepth 0 -printf '%f\\0%y\\0%s\\0%m\\0%T@\\0%u\\0%g\\0'`;
const LIST = `[ -d "$1" ] || exit 2; find "$1" -mindepth 1 -maxdepth 1 -printf '%f\\0%y\\0%s\\0%m\\0%T@\\0%u\\0%g\\0'`;
const MKDIR = 'mkdir -p -- "$1" && chmod "$2" -- "$1"';
const REMOVE =
  '[ -e "$1" ] || [ -L "$1" ] || exit 2; if [ -d "$1" ] && [ ! -L "$1" ]; then [ "$2" = true ] || exit 3; rm -rf -- "$1"; else rm -f -- "$1"; fi';

const notFound = (path: string): Reply => daemonError(404, `file ${path} not found`, 'FILE_NOT_FOUND');

function fileInfos(listing: Buffer): Record<string, unknown>[] {
  const fields = listing.toString('utf8').split('\0');
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i + 7 <= fields.length; i += 7) {
    const [name, type, size, mode, mtime, owner, group] = fields.slice(i, i + 7) as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const modTime = new Date(Number(mtime) * 1000).toISOString();
    out.push({
      name,
      isDir: type === 'd',
      size: Number(size),
      mode: mode.padStart(4, '0'),
      permissions: `0${mode}`,
      modTime,
      modifiedAt: modTime,
      owner,
      group,
    });
  }
  return out;
}

export async function listFiles(context: SandboxContext, path: string): Promise<Reply> {
  const result = await runInSandbox(context, ['sh', '-c', LIST, 'ls', path]);
  if (result.exitCode === 2) return notFound(path);
  if (result.exitCode !== 0) return daemonError(400, result.stderr.toString().trim());
  return { status: 200, body: fileInfos(result.stdout) };
}

export async function fileInfo(context: SandboxContext, path: string): Promise<Reply> {
  const result = await runInSandbox(context, ['sh', '-c', INFO, 'stat', path]);
  const [info] = fileInfos(result.stdout);
  if (result.exitCode !== 0 || info === undefined) return notFound(path);
  return { status: 200, body: info };
}

export async function createFolder(context: SandboxContext, path: string, mode: string): Promise<Reply> {
  if (!/^[0-7]{3,4}$/.test(mode)) return daemonError(400, `invalid mode ${JSON.stringify(mode)}`);
  const result = await runInSandbox(context, ['sh', '-c', MKDIR, 'mkdir', path, mode]);
  if (result.exitCode !== 0) return daemonError(400, result.stderr.toString().trim());
  return { status: 201 };
}

export async function setPermissions(
  context: SandboxContext,
  path: string,
  mode: string | undefined,
): Promise<Reply> {
  if (mode === undefined) return { status: 200 };
  if (!/^[0-7]{3,4}$/.test(mode)) return daemonError(400, `invalid mode ${JSON.stringify(mode)}`);
  const result = await runInSandbox(context, [
    'sh',
    '-c',
    '[ -e "$1" ] || exit 2; chmod "$2" -- "$1"',
    'chmod',
    path,
    mode,
  ]);
  if (result.exitCode === 2) return notFound(path);
  if (result.exitCode !== 0) return daemonError(400, result.stderr.toString().trim());
  return { status: 200 };
}

export async function deleteFile(context: SandboxContext, path: string, recursive: boolean): Promise<Reply> {
  const result = await runInSandbox(context, ['sh', '-c', REMOVE, 'rm', path, String(recursive)]);
  if (result.exitCode === 2) return notFound(path);
  if (result.exitCode === 3) return daemonError(400, `${path} is a directory: delete it with recursive=true`);
  if (result.exitCode !== 0) return daemonError(400, result.stderr.toString().trim());
  return { status: 204 };
}

/** `POST /files/bulk-upload`: multipart parts `files[i].path` then `files[i].file`, written in order. */
export async function bulkUpload(context: SandboxContext, req: FakeHttpRequest): Promise<Reply> {
  const paths = new Map<string, string>();
  const failures: string[] = [];
  let writes = Promise.resolve();
  const parser = busboy({ headers: req.headers, preservePath: true });
  parser.on('field', (name, value) => {
    const index = /^files\[(\d+)\]\.path$/.exec(name)?.[1];
    if (index !== undefined) paths.set(index, value);
  });
  parser.on('file', (name, stream) => {
    const index = /^files\[(\d+)\]\.file$/.exec(name)?.[1];
    const path = index === undefined ? undefined : paths.get(index);
    if (path === undefined) {
      failures.push(`part ${name} has no matching files[i].path`);
      stream.resume();
      return;
    }
    // One write at a time, in order; the part streams straight into the sandbox.
    writes = writes.then(async () => {
      const result = await runInSandbox(context, ['sh', '-c', WRITE, 'upload', path], { stdin: stream });
      if (result.exitCode !== 0) failures.push(`${path}: ${result.stderr.toString().trim()}`);
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    parser.once('close', resolve);
    parser.once('error', reject);
  });
  req.pipe(parser);
  try {
    await done;
  } catch (error) {
    return daemonError(400, `invalid multipart body: ${(error as Error).message}`);
  }
  await writes;
  if (failures.length > 0) return daemonError(400, `upload failed: ${failures.join('; ')}`);
  return { status: 200 };
}

/**
 * A multipart `filename` parameter: quoted when it is ASCII, else in RFC 5987 form (`filename*`), which
 * busboy decodes as UTF-8 whatever its default charset.
 */
const filenameParam = (value: string): string =>
  /^[\x20-\x7e]*$/.test(value)
    ? `filename="${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
    : `filename*=UTF-8''${encodeURIComponent(value)}`;

/**
 * `POST /files/bulk-download` with `{paths}`: a `multipart/form-data` answer with one `file` part per
 * readable file (filename = the path exactly as asked) and one `error` part (JSON) per other path.
 */
export async function bulkDownload(
  context: SandboxContext,
  req: FakeHttpRequest,
  res: FakeHttpResponse,
): Promise<Reply | undefined> {
  const body = await readJsonObject(req);
  const paths = body?.paths;
  if (!Array.isArray(paths) || paths.some((path) => typeof path !== 'string' || /[\r\n]/.test(path))) {
    return daemonError(400, 'paths must be a list of file paths');
  }
  const boundary = `daytona-fake-${randomBytes(12).toString('hex')}`;
  res.writeHead(200, { 'content-type': `multipart/form-data; boundary=${boundary}` });
  const out: Writable = res;
  for (const path of paths as string[]) {
    const check = await runInSandbox(context, ['sh', '-c', CHECK_FILE, 'check', path]);
    if (check.exitCode !== 0) {
      const error =
        check.exitCode === 2
          ? {
              message: `file ${path} not found`,
              statusCode: 404,
              code: 'FILE_NOT_FOUND',
              source: 'DAYTONA_DAEMON',
            }
          : {
              message: `${path} is not a readable regular file`,
              statusCode: 400,
              code: 'INVALID_FILE_PATH',
              source: 'DAYTONA_DAEMON',
            };
      out.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="error"; ${filenameParam(path)}\r\n` +
          `Content-Type: application/json\r\n\r\n${JSON.stringify(error)}\r\n`,
      );
      continue;
    }
    out.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${filenameParam(path)}\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n`,
    );
    const { stdout, exited } = await streamFromSandbox(context, ['cat', '--', path]);
    for await (const chunk of stdout) {
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
    }
    if ((await exited) !== 0) {
      out.destroy();
      return undefined;
    }
    out.write('\r\n');
  }
  out.end(`--${boundary}--\r\n`);
  return undefined;
}
