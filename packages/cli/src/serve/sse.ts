import { once } from 'node:events';
import type { FastifyReply } from 'fastify';

export interface EventStream {
  /** Writes one `event:`/`data:` frame; resolves once the socket took it (a slow client slows the command). */
  send(event: string, data: unknown): Promise<void>;
  end(): void;
  /** Fires when the client goes away. */
  readonly signal: AbortSignal;
}

/**
 * Takes the response over for server-sent events, framed as agentkernel frames them
 * (`event: <type>\ndata: <json>\n\n`), which is what the SDK's parser needs.
 */
export function openEventStream(reply: FastifyReply): EventStream {
  reply.hijack();
  const raw = reply.raw;
  const controller = new AbortController();
  raw.once('close', () => {
    if (!raw.writableFinished) controller.abort(new Error('the client closed the event stream'));
  });
  raw.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
  });
  return {
    signal: controller.signal,
    async send(event, data) {
      if (raw.destroyed || raw.writableEnded) return;
      if (!raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`))
        await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
    },
    end() {
      if (!raw.writableEnded) raw.end();
    },
  };
}
