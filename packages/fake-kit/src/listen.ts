import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createH2cServer, type Http2Server, type Http2Session } from 'node:http2';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { Duplex } from 'node:stream';
import { sendReply, type FakeHttpRequest, type FakeHttpResponse, type Reply } from './http.js';

/** Handles one request of a fake; a rejection is answered by {@link ListenOptions.onError}. */
export type FakeHandler = (req: FakeHttpRequest, res: FakeHttpResponse) => Promise<void>;

export interface ListenOptions {
  /**
   * `http1` (the default); `h2c`: HTTP/2 without TLS, as gRPC clients speak to a local server; or
   * `http1+h2c`: both on one port, a connection opening with the HTTP/2 preface served as h2c (prior
   * knowledge) and any other as HTTP/1.1, for SDKs that speak either (Runloop's: h2c by default).
   */
  readonly protocol?: 'http1' | 'h2c' | 'http1+h2c';
  /** 127.0.0.1 by default. */
  readonly host?: string;
  /** A free port by default. */
  readonly port?: number;
  /** The answer to a handler that failed before answering; a plain JSON 500 by default. */
  readonly onError?: (error: unknown) => Reply;
  /**
   * HTTP/1.1 only: handles `Upgrade` requests (WebSockets) with the raw socket; a rejection destroys
   * it. Without it, Node hands them to the handler as plain requests.
   */
  readonly onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>;
}

/** A running listener of a fake. */
export interface FakeListener {
  /** `http://<host>:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Drops every open connection and stops listening. */
  close(): Promise<void>;
}

const H2_WINDOW = 16 * 1024 * 1024;
const H2_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

/**
 * The socket as a stream that first replays the bytes already read from it. nghttp2 reads a socket's
 * handle directly and would never see bytes put back with `unshift`, so the HTTP/2 session gets this.
 */
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

const defaultError = (error: unknown): Reply => ({
  status: 500,
  body: { message: `fake provider failed: ${(error as Error).message}` },
});

/** Starts an HTTP/1.1, h2c or shared HTTP/1.1-and-h2c listener for a fake's handler, on 127.0.0.1 and a free port by default. */
export async function listen(handler: FakeHandler, options: ListenOptions = {}): Promise<FakeListener> {
  const onError = options.onError ?? defaultError;
  const serve = (req: FakeHttpRequest, res: FakeHttpResponse): void => {
    handler(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendReply(res, onError(error));
    });
  };
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const h2 = (): Http2Server => {
    // Large flow-control windows, as HTTP/2 SDKs open their own with, so big uploads are not held up.
    const server = createH2cServer({ settings: { initialWindowSize: H2_WINDOW } }, serve);
    server.on('session', (session) => {
      sessions.add(session);
      session.once('connect', () => session.setLocalWindowSize(H2_WINDOW));
      session.once('close', () => sessions.delete(session));
    });
    return server;
  };
  const http1Server = (): Server => {
    const http1 = createServer(serve);
    const onUpgrade = options.onUpgrade;
    if (onUpgrade !== undefined) {
      http1.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        socket.on('error', () => undefined);
        onUpgrade(req, socket, head).catch(() => socket.destroy());
      });
    }
    return http1;
  };
  let server: Server | Http2Server | NetServer;
  const others: (Server | Http2Server)[] = [];
  if (options.protocol === 'h2c') {
    server = h2();
  } else if (options.protocol === 'http1+h2c') {
    const http1 = http1Server();
    const http2 = h2();
    others.push(http1, http2);
    server = createNetServer((socket) => {
      track(socket);
      socket.once('data', (first: Buffer) => {
        socket.pause();
        if (first.subarray(0, H2_PREFACE.length).toString('latin1') !== H2_PREFACE.slice(0, first.length)) {
          socket.unshift(first);
          http1.emit('connection', socket);
          socket.resume();
          return;
        }
        http2.emit('connection', replaying(socket, first));
      });
    });
  } else {
    const http1 = http1Server();
    http1.on('connection', track);
    server = http1;
  }
  const dropAll = (): void => {
    for (const session of sessions) session.destroy();
    for (const socket of sockets) socket.destroy();
  };
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: async () => {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const other of others) other.close();
    },
  };
}
