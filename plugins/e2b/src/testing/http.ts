import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer of the fake's REST API. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** E2B's error body: `{ code, message }`. */
export function errorReply(status: number, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { code: status, message }, ...(headers === undefined ? {} : { headers }) };
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers).end(text);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a JSON request body; an empty body is `{}`. Undefined when it is not a JSON object. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const raw = (await readBody(req)).toString('utf8').trim();
  if (raw === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes every later attempt to answer on `res` destroy the connection instead: the request's effects
 * happen, the client sees a dropped connection. This is how a lost response is simulated.
 */
export function swallowResponse(req: IncomingMessage, res: ServerResponse): void {
  const drop = (): ServerResponse => {
    req.socket.destroy();
    return res;
  };
  Object.assign(res, {
    writeHead: drop,
    flushHeaders: drop,
    write: () => {
      drop();
      return false;
    },
    end: drop,
  });
}
