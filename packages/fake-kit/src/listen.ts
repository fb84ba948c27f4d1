import { createServer, type Server } from 'node:http';
import { createServer as createH2cServer, type Http2Server, type Http2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { sendReply, type FakeHttpRequest, type FakeHttpResponse, type Reply } from './http.js';

/** Handles one request of a fake; a rejection is answered by {@link ListenOptions.onError}. */
export type FakeHandler = (req: FakeHttpRequest, res: FakeHttpResponse) => Promise<void>;

export interface ListenOptions {
  /** `http1` (the default) or `h2c`: HTTP/2 without TLS, as gRPC clients speak to a local server. */
  readonly protocol?: 'http1' | 'h2c';
  /** 127.0.0.1 by default. */
  readonly host?: string;
  /** A free port by default. */
  readonly port?: number;
  /** The answer to a handler that failed before answering; a plain JSON 500 by default. */
  readonly onError?: (error: unknown) => Reply;
}

/** A running listener of a fake. */
export interface FakeListener {
  /** `http://<host>:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Drops every open connection and stops listening. */
  close(): Promise<void>;
}

const defaultError = (error: unknown): Reply => ({
  status: 500,
  body: { message: `fake provider failed: ${(error as Error).message}` },
});

/** Starts an HTTP/1.1 or h2c listener for a fake's handler, on 127.0.0.1 and a free port by default. */
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
  let server: Server | Http2Server;
  let dropAll: () => void;
  if (options.protocol === 'h2c') {
    const sessions = new Set<Http2Session>();
    const h2 = createH2cServer(serve);
    h2.on('session', (session) => {
      sessions.add(session);
      session.once('close', () => sessions.delete(session));
    });
    dropAll = () => {
      for (const session of sessions) session.destroy();
    };
    server = h2;
  } else {
    const http1 = createServer(serve);
    const sockets = new Set<Socket>();
    http1.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    dropAll = () => {
      for (const socket of sockets) socket.destroy();
    };
    server = http1;
  }
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
    },
  };
}
