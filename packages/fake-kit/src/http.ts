import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

/** A request as either listener hands it over (HTTP/1.1 or h2c, through Node's compatibility API). */
export type FakeHttpRequest = IncomingMessage | Http2ServerRequest;
/** The response of a {@link FakeHttpRequest}. */
export type FakeHttpResponse = ServerResponse | Http2ServerResponse;

/** An answer of a fake's API: a status, a JSON body (when present) and extra headers. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends `reply` as JSON (no body at all when `reply.body` is undefined). */
export function sendReply(res: FakeHttpResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers);
  res.end(text);
}

export async function readBody(req: FakeHttpRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a JSON request body; an empty body is `{}`. Undefined when it is not a JSON object. */
export async function readJsonObject(req: FakeHttpRequest): Promise<Record<string, unknown> | undefined> {
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

/** A JSON object mapping strings to strings (absent or null is empty); undefined when it is anything else. */
export function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') return undefined;
    out[key] = item;
  }
  return out;
}

/**
 * Ends the exchange without an answer, as a dropped connection: an HTTP/1.1 socket is destroyed, an h2
 * stream is reset (the other streams of its connection go on, as with a proxy that lost one).
 */
export function dropConnection(req: FakeHttpRequest): void {
  if ('stream' in req) req.stream.close(0x2 /* NGHTTP2_INTERNAL_ERROR */);
  else req.socket.destroy();
}

/**
 * Makes every later attempt to answer on `res` drop the connection instead: the request's effects
 * happen, the client sees a dropped connection. This is how a lost response is simulated.
 */
export function swallowResponse(req: FakeHttpRequest, res: FakeHttpResponse): void {
  const drop = (): FakeHttpResponse => {
    dropConnection(req);
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
