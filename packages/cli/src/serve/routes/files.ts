import { AgentkernelError, UsageError } from '@agentkernel/core';
import type { FastifyInstance } from 'fastify';
import type { Connected } from '../../runtime/runtime.js';
import type { ServeContext } from '../context.js';
import { HttpError } from '../http-error.js';
import { checkedName, ok, sandboxFilePath } from '../request.js';

interface FileParams {
  readonly name: string;
  readonly '*': string;
}

interface WriteBody {
  readonly content: string;
  readonly encoding?: 'utf8' | 'base64';
}

const WRITE_SCHEMA = {
  type: 'object',
  required: ['content'],
  properties: { content: { type: 'string' }, encoding: { type: 'string', enum: ['utf8', 'base64'] } },
} as const;

const BATCH_SCHEMA = {
  type: 'object',
  required: ['files'],
  properties: { files: { type: 'object', additionalProperties: { type: 'string' } } },
} as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decode(body: WriteBody): Buffer {
  if (body.encoding !== 'base64') return Buffer.from(body.content, 'utf8');
  const compact = body.content.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !BASE64.test(compact))
    throw new HttpError(400, 'Invalid base64: the content is not base64');
  return Buffer.from(compact, 'base64');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The file as agentkernel answers it: UTF-8 text when it is, base64 otherwise. */
function encoded(bytes: Buffer): { content: string; encoding: 'utf8' | 'base64'; size: number } {
  try {
    return { content: utf8.decode(bytes), encoding: 'utf8', size: bytes.length };
  } catch {
    return { content: bytes.toString('base64'), encoding: 'base64', size: bytes.length };
  }
}

export function fileRoutes(app: FastifyInstance, { rt }: ServeContext): void {
  // The SDK puts the path in the URL as given: `files/app/x` is relative to the workspace and
  // `files//workspace/x` (an absolute path) is absolute.
  const target = async (params: FileParams): Promise<{ connected: Connected; path: string }> => {
    const connected = await rt.connect(checkedName(params.name));
    return { connected, path: sandboxFilePath(params['*'], connected.record.workspaceDir) };
  };

  app.get<{ Params: FileParams }>('/sandboxes/:name/files/*', async (request) => {
    const { connected, path } = await target(request.params);
    try {
      const content = await connected.handle.readFile(path);
      await rt.audit({ type: 'file_read', sandbox: connected.record.name, path });
      return ok(encoded(content));
    } catch (error) {
      // A path refused by the backend stays a 400; any other read failure is agentkernel's 404.
      if (UsageError.isInstance(error)) throw error;
      const reason = AgentkernelError.isInstance(error) ? error.detail : 'cannot read it';
      throw new HttpError(404, `File not found: ${path} (${reason})`);
    }
  });

  app.put<{ Params: FileParams; Body: WriteBody }>(
    '/sandboxes/:name/files/*',
    { schema: { body: WRITE_SCHEMA } },
    async (request) => {
      const { connected, path } = await target(request.params);
      const bytes = decode(request.body);
      await connected.handle.writeFile(path, bytes);
      await rt.audit({ type: 'file_written', sandbox: connected.record.name, path });
      return ok(`Wrote ${bytes.length} bytes to ${path}`);
    },
  );

  app.delete<{ Params: FileParams }>('/sandboxes/:name/files/*', async (request) => {
    const { connected, path } = await target(request.params);
    await connected.handle.removeFile(path);
    return ok(`Deleted ${path}`);
  });

  // The SDK types the answer as `{written: N}` (agentkernel's server says it in a sentence).
  app.post<{ Params: { name: string }; Body: { files: Record<string, string> } }>(
    '/sandboxes/:name/files',
    { schema: { body: BATCH_SCHEMA } },
    async (request) => {
      const connected = await rt.connect(checkedName(request.params.name));
      const entries = Object.entries(request.body.files);
      if (entries.length === 0) throw new HttpError(400, 'files map is empty');
      const files = entries.map(
        ([path, content]) => [sandboxFilePath(path, connected.record.workspaceDir), content] as const,
      );
      for (const [path, content] of files) {
        await connected.handle.writeFile(path, Buffer.from(content, 'utf8'));
        await rt.audit({ type: 'file_written', sandbox: connected.record.name, path });
      }
      return ok({ written: files.length });
    },
  );
}
