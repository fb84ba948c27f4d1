import { StringDecoder } from 'node:string_decoder';
import type { FastifyInstance } from 'fastify';
import { AgentkernelError } from '@agentkernel/core';
import { clientGone } from '../abort.js';
import type { ServeContext } from '../context.js';
import { withEphemeralSandbox, type RunShape } from '../ephemeral.js';
import { execCollected, exitError, preparedFrom } from '../exec-output.js';
import { HttpError } from '../http-error.js';
import { ok } from '../request.js';
import { openEventStream } from '../sse.js';

interface RunBody extends RunShape {
  readonly command: readonly string[];
}

const RUN_SHAPE = {
  image: { type: 'string' },
  profile: { type: 'string' },
  fast: { type: 'boolean' },
} as const;

const RUN_SCHEMA = {
  type: 'object',
  required: ['command'],
  properties: { command: { type: 'array', items: { type: 'string' }, minItems: 1 }, ...RUN_SHAPE },
} as const;

const BATCH_SCHEMA = {
  type: 'object',
  required: ['commands'],
  properties: {
    commands: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: {
        type: 'object',
        required: ['command'],
        properties: { command: { type: 'array', items: { type: 'string' }, minItems: 1 } },
      },
    },
  },
} as const;

// Batch commands run a few at a time: each one is a whole sandbox.
const BATCH_CONCURRENCY = 4;

function messageOf(error: unknown): string {
  if (error instanceof HttpError) return error.message;
  if (AgentkernelError.isInstance(error)) return error.message;
  return 'Internal server error';
}

export function runRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.post<{ Body: RunBody }>('/run', { schema: { body: RUN_SCHEMA } }, async (request, reply) => {
    const signal = clientGone(reply);
    const result = await withEphemeralSandbox(ctx, request.body, signal, (connected) =>
      execCollected(ctx.rt, connected, preparedFrom(request.body, connected.record.workspaceDir), signal),
    );
    if (result.exitCode !== 0) throw exitError(result.exitCode, result.output);
    return ok({ output: result.output });
  });

  // Events are written as the command produces output, each chunk its own `output` event.
  app.post<{ Body: RunBody }>('/run/stream', { schema: { body: RUN_SCHEMA } }, async (request, reply) => {
    const stream = openEventStream(reply);
    const body = request.body;
    await stream.send('started', {
      command: body.command,
      fast: body.fast ?? true,
      timestamp: new Date().toISOString(),
    });
    try {
      const result = await withEphemeralSandbox(ctx, body, stream.signal, async (connected) => {
        const { record } = connected;
        await stream.send('progress', { stage: 'sandbox_created', sandbox: record.name });
        await stream.send('progress', { stage: 'sandbox_started' });
        // One decoder per stream, so a character split between two chunks arrives whole.
        const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
        const output = (name: 'stdout' | 'stderr') => (chunk: Uint8Array) => {
          const data = decoders[name].write(Buffer.from(chunk));
          return data === '' ? undefined : stream.send('output', { data, stream: name });
        };
        const command = preparedFrom(body, record.workspaceDir);
        const result = await execCollected(ctx.rt, connected, command, stream.signal, {
          onStdout: output('stdout'),
          onStderr: output('stderr'),
        });
        for (const name of ['stdout', 'stderr'] as const) {
          const rest = decoders[name].end();
          if (rest !== '') await stream.send('output', { data: rest, stream: name });
        }
        return result;
      });
      await stream.send(
        'done',
        result.exitCode === 0
          ? { exit_code: 0, success: true }
          : { exit_code: result.exitCode, success: false, output: result.output },
      );
    } catch (error) {
      await stream.send('error', { message: messageOf(error) });
    } finally {
      stream.end();
    }
  });

  app.post<{ Body: { commands: { command: string[] }[] } }>(
    '/batch/run',
    { schema: { body: BATCH_SCHEMA } },
    async (request, reply) => {
      const signal = clientGone(reply);
      const { commands } = request.body;
      const results = commands.map((): { output: string | null; error: string | null } => ({
        output: null,
        error: null,
      }));
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let index = next++; index < commands.length; index = next++) {
          const command = commands[index]?.command ?? [];
          try {
            const result = await withEphemeralSandbox(ctx, {}, signal, (connected) =>
              execCollected(
                ctx.rt,
                connected,
                preparedFrom({ command }, connected.record.workspaceDir),
                signal,
              ),
            );
            results[index] =
              result.exitCode === 0
                ? { output: result.output, error: null }
                : { output: null, error: exitError(result.exitCode, result.output).message };
          } catch (error) {
            results[index] = { output: null, error: messageOf(error) };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, commands.length) }, worker));
      return ok({ results });
    },
  );
}
