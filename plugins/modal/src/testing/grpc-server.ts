// TEMPORARY: generic gRPC serving for offline fakes. It moves to @agentkernel/fake-kit once that
// package lands on main; nothing in it is Modal-specific.
import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createServer,
  ServerError,
  Status,
  type CallContext,
  type CompatServiceDefinition,
  type ServerMiddlewareCall,
} from 'nice-grpc';

/** What an injected fault does to a call that matches it. */
export type GrpcFaultKind =
  /** Waits `delayMs` before handling the call normally. */
  | 'latency'
  /** Fails the call with `code` (UNAVAILABLE by default) without handling it. */
  | 'status'
  /** Cuts the TCP connection the call came on before handling it: the server never saw the call. */
  | 'drop'
  /** Handles the call, then cuts the connection instead of answering: the server acted, the client never hears. */
  | 'drop-response';

/** One fault rule: applies to the next `times` calls whose method path matches. */
export interface GrpcFaultSpec {
  readonly kind: GrpcFaultKind;
  /** Matches the method path (`/package.Service/Method`); a string matches as a substring. */
  readonly match: string | RegExp;
  /** How many matching calls the fault applies to; 1 by default. */
  readonly times?: number;
  /** The gRPC status of a `status` fault; UNAVAILABLE by default. */
  readonly code?: Status;
  /** The status message of a `status` fault. */
  readonly message?: string;
  /** Trailers sent with a `status` fault (binary values for keys ending in `-bin`). */
  readonly trailer?: Readonly<Record<string, string | Uint8Array>>;
  /** The delay of a `latency` fault, in milliseconds. */
  readonly delayMs?: number;
}

interface ActiveFault {
  readonly spec: GrpcFaultSpec;
  remaining: number;
}

/** The armed faults of a server; hands out the one, if any, that applies to a call. */
export class GrpcFaults {
  private readonly faults: ActiveFault[] = [];
  /** With this probability (0 to 1) a call that no armed fault matches gets one from {@link draw}. */
  randomRate = 0;
  /** Picks a fault for a call drawn at random (the provider knows which failures are realistic). */
  draw: ((path: string) => GrpcFaultSpec | undefined) | undefined;

  add(spec: GrpcFaultSpec): void {
    this.faults.push({ spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  take(path: string): GrpcFaultSpec | undefined {
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      const { match } = fault.spec;
      if (typeof match === 'string' ? !path.includes(match) : !match.test(path)) continue;
      fault.remaining -= 1;
      return fault.spec;
    }
    if (this.draw !== undefined && this.randomRate > 0 && Math.random() < this.randomRate)
      return this.draw(path);
    return undefined;
  }
}

/** One call the server received. */
export interface GrpcCallRecord {
  readonly path: string;
  readonly fault?: GrpcFaultKind;
}

/** A service to serve: a ts-proto generic definition (or grpc-js definition) and its handlers. */
export interface GrpcService {
  readonly definition: CompatServiceDefinition;
  readonly implementation: object;
}

export interface GrpcServerOptions {
  readonly services: readonly GrpcService[];
  readonly faults?: GrpcFaults;
  /** Added to every call, in milliseconds. */
  readonly latencyMs?: number;
  /** Receives every call, oldest first. */
  readonly log?: GrpcCallRecord[];
}

/** A running gRPC server on 127.0.0.1, plaintext HTTP/2 (h2c). */
export interface RunningGrpcServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  close(): Promise<void>;
}

const MAX_MESSAGE = 100 * 1024 * 1024;

/**
 * Relays TCP connections to the gRPC server so that a fault can cut the very connection a call came
 * on (grpc-js gives handlers no socket): the server sees each relayed connection's local port as the
 * call's peer.
 */
class Relay {
  private readonly byPeerPort = new Map<number, [Socket, Socket]>();
  readonly server: TcpServer;

  /** The gRPC server's own port, set once it listens. */
  targetPort = 0;

  constructor() {
    this.server = createTcpServer((inbound) => {
      const outbound = connect(this.targetPort, '127.0.0.1');
      inbound.setNoDelay(true);
      outbound.setNoDelay(true);
      const forget = (): void => {
        inbound.destroy();
        outbound.destroy();
        if (outbound.localPort !== undefined) this.byPeerPort.delete(outbound.localPort);
      };
      outbound.once('connect', () => {
        if (outbound.localPort !== undefined) this.byPeerPort.set(outbound.localPort, [inbound, outbound]);
      });
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', forget).on('close', forget);
      outbound.on('error', forget).on('close', forget);
    });
  }

  /** Cuts the connection whose relayed side has `peer` (`host:port` or `ipv4:host:port`) as address. */
  drop(peer: string): void {
    const port = Number(/:(\d+)$/.exec(peer)?.[1]);
    const pair = this.byPeerPort.get(port);
    if (pair === undefined) return;
    for (const socket of pair) socket.destroy();
  }

  closeAll(): void {
    for (const pair of this.byPeerPort.values()) for (const socket of pair) socket.destroy();
    this.byPeerPort.clear();
  }
}

function faultMiddleware(options: GrpcServerOptions, relay: Relay) {
  return async function* <Request, Response>(
    call: ServerMiddlewareCall<Request, Response>,
    context: CallContext,
  ): AsyncGenerator<Response, Response | void, undefined> {
    const path = call.method.path;
    const fault = options.faults?.take(path);
    options.log?.push({ path, ...(fault === undefined ? {} : { fault: fault.kind }) });
    const delay = (options.latencyMs ?? 0) + (fault?.kind === 'latency' ? (fault.delayMs ?? 0) : 0);
    if (delay > 0) await sleep(delay);
    if (fault?.kind === 'status') {
      for (const [key, value] of Object.entries(fault.trailer ?? {})) context.trailer.set(key, value);
      throw new ServerError(fault.code ?? Status.UNAVAILABLE, fault.message ?? 'injected fault');
    }
    if (fault?.kind === 'drop') {
      relay.drop(context.peer);
      throw new ServerError(Status.UNAVAILABLE, 'connection dropped');
    }
    if (fault?.kind === 'drop-response') {
      // The handler runs to the end (its effects happen), then the client loses the connection.
      const inner = call.next(call.request, context);
      for (;;) {
        const step = await inner.next();
        if (step.done === true) break;
      }
      relay.drop(context.peer);
      throw new ServerError(Status.UNAVAILABLE, 'connection dropped');
    }
    return yield* call.next(call.request, context);
  };
}

/** Serves `services` over plaintext HTTP/2 on 127.0.0.1 and a free port, with fault injection. */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const relay = new Relay();
  const server = createServer({
    'grpc.max_receive_message_length': MAX_MESSAGE,
    'grpc.max_send_message_length': MAX_MESSAGE,
  }).use(faultMiddleware(options, relay));
  for (const service of options.services) server.add(service.definition, service.implementation);
  relay.targetPort = await server.listen('127.0.0.1:0');
  const front = relay.server;
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(0, '127.0.0.1', resolve);
  });
  const { port } = front.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      relay.closeAll();
      server.forceShutdown();
      await closed;
    },
  };
}

export { ServerError, Status };
