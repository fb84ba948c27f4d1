// TEMPORARY: what @agentkernel/fake-kit will provide (listeners, faults, replies). Replaced by it as
// soon as it lands; nothing Runloop-specific lives here.
import { randomBytes } from 'node:crypto';
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  constants as h2,
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { Duplex } from 'node:stream';

export type FakeRequestMessage = IncomingMessage | Http2ServerRequest;
export type FakeResponse = ServerResponse | Http2ServerResponse;
export type FakeHandler = (req: FakeRequestMessage, res: FakeResponse) => Promise<void>;

/** An answer of a fake's JSON API. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export function sendReply(res: FakeResponse, reply: Reply): void {
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

/** Writes a chunk of a streamed answer (both response kinds take it; their write signatures differ). */
export function writeChunk(res: FakeResponse, chunk: string | Uint8Array): boolean {
  return (res as ServerResponse).write(chunk);
}

export async function readBody(req: FakeRequestMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a JSON request body; an empty body is `{}`. Undefined when it is not a JSON object. */
export async function readJsonObject(req: FakeRequestMessage): Promise<Record<string, unknown> | undefined> {
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

/** Ends this request's exchange without an answer: its HTTP/2 stream is reset, an HTTP/1.1 socket closed. */
export function dropExchange(req: FakeRequestMessage): void {
  if ('stream' in req) req.stream.close(h2.NGHTTP2_INTERNAL_ERROR);
  else req.socket.destroy();
}

/** Makes every later attempt to answer on `res` drop the exchange instead: the effects happen, the answer is lost. */
export function swallowResponse(req: FakeRequestMessage, res: FakeResponse): void {
  const drop = (): FakeResponse => {
    dropExchange(req);
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

/** A lower-case alphanumeric id of `length` characters. */
export function randomId(length = 20): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (const byte of randomBytes(length)) out += alphabet[byte % alphabet.length];
  return out;
}

/** What an injected fault does to a matching request. */
export type FaultKind = 'latency' | 'status' | 'drop' | 'drop-response';

/** One fault rule: applies to the next `times` requests whose `"<METHOD> <path>"` matches. */
export interface FaultSpec {
  readonly kind: FaultKind;
  readonly match: string | RegExp;
  readonly times?: number;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly delayMs?: number;
}

/** Keeps the injected faults, plus an optional random rate, and hands out the one for a request. */
export class FaultInjector {
  private readonly faults: { spec: FaultSpec; remaining: number }[] = [];

  constructor(
    initial: readonly FaultSpec[] = [],
    private readonly rate = 0,
    private readonly random: () => number = Math.random,
  ) {
    for (const spec of initial) this.add(spec);
  }

  add(spec: FaultSpec): void {
    this.faults.push({ spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  take(method: string, path: string): FaultSpec | undefined {
    const subject = `${method} ${path}`;
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      const { match } = fault.spec;
      if (typeof match === 'string' ? !subject.includes(match) : !match.test(subject)) continue;
      fault.remaining -= 1;
      return fault.spec;
    }
    if (this.rate <= 0 || this.random() >= this.rate) return undefined;
    const kinds: FaultSpec[] = [
      { kind: 'status', status: 503, match: subject },
      { kind: 'status', status: 500, match: subject },
      { kind: 'status', status: 429, match: subject },
      { kind: 'drop', match: subject },
      { kind: 'drop-response', match: subject },
      { kind: 'latency', delayMs: 200, match: subject },
    ];
    return kinds[Math.floor(this.random() * kinds.length)];
  }
}

function replaying(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => void socket.end(callback),
    destroy: (error, callback) => {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  duplex.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.once('end', () => duplex.push(null));
  socket.once('close', () => duplex.destroy());
  socket.once('error', (error) => duplex.destroy(error));
  return duplex;
}

/**
 * Listens on 127.0.0.1 and a free port, serving HTTP/1.1 and HTTP/2 cleartext with prior knowledge on
 * the same port: a connection that opens with the HTTP/2 preface goes to the HTTP/2 server.
 */
export async function listenHttp(handler: FakeHandler): Promise<{ url: string; close(): Promise<void> }> {
  const serve = (req: FakeRequestMessage, res: FakeResponse): void => {
    handler(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        dropExchange(req);
        return;
      }
      sendReply(res, { status: 500, body: { message: `fake failed: ${(error as Error).message}` } });
    });
  };
  const http1 = createHttp1Server(serve);
  // Large windows, as the SDK's own sessions use, so big uploads are not held up by flow control.
  const window = 16 * 1024 * 1024;
  const http2 = createHttp2Server({ settings: { initialWindowSize: window } }, serve);
  http2.on('session', (session) => session.once('connect', () => session.setLocalWindowSize(window)));
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      socket.pause();
      if (first.subarray(0, 3).toString('latin1') !== 'PRI') {
        socket.unshift(first);
        http1.emit('connection', socket);
        socket.resume();
        return;
      }
      // nghttp2 reads the socket's handle directly and would never see bytes put back with unshift, so
      // the HTTP/2 session gets a stream that replays them first.
      http2.emit('connection', replaying(socket, first));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      http1.close();
      http2.close();
    },
  };
}
