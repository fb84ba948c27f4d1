import {
  connect,
  createServer as createTcpServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createServer,
  ServerError,
  Status,
  type CallContext,
  type CompatServiceDefinition,
  type ServerMiddlewareCall,
} from 'nice-grpc';
import type { FaultInjector, FaultSpec } from './faults.js';

/** A service to serve: a ts-proto "generic definition" (or a grpc-js one) and its handlers, by method. */
export interface GrpcService {
  readonly definition: CompatServiceDefinition;
  readonly implementation: object;
}

/** One call a gRPC fake received, and the fault applied to it. */
export interface GrpcCallRecord {
  readonly path: string;
  readonly fault?: FaultSpec['kind'];
}

/**
 * Trailers a `status` fault carries, in the provider's format (e.g. a `grpc-status-details-bin` with a
 * retry-after hint when the fault has `retryAfterSeconds`); binary values for keys ending in `-bin`.
 */
export type GrpcFaultTrailer = (
  code: Status,
  message: string,
  fault: FaultSpec,
) => Readonly<Record<string, string | Uint8Array>>;

export interface ListenGrpcOptions {
  readonly services: readonly GrpcService[];
  /** Matched against `"POST <method path>"`, as gRPC calls are HTTP/2 POSTs to `/<package.Service>/<Method>`. */
  readonly faults?: FaultInjector;
  readonly faultTrailer?: GrpcFaultTrailer;
  /** Added to every call, in milliseconds. */
  readonly latencyMs?: number;
  /** Receives every call, oldest first. */
  readonly log?: GrpcCallRecord[];
}

/** A running gRPC listener: plaintext HTTP/2 (h2c) on 127.0.0.1. */
export interface GrpcListener {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

const MAX_MESSAGE = 100 * 1024 * 1024;

/**
 * The gRPC status a `status` fault's HTTP status stands for: 429 is a throttle (RESOURCE_EXHAUSTED),
 * 503 and 502 a service that cannot take the call (UNAVAILABLE), 504 a deadline, any other 5xx INTERNAL.
 */
export function grpcStatusOf(httpStatus: number): Status {
  if (httpStatus === 429) return Status.RESOURCE_EXHAUSTED;
  if (httpStatus === 503 || httpStatus === 502) return Status.UNAVAILABLE;
  if (httpStatus === 504) return Status.DEADLINE_EXCEEDED;
  if (httpStatus === 401) return Status.UNAUTHENTICATED;
  if (httpStatus === 404) return Status.NOT_FOUND;
  return Status.INTERNAL;
}

/**
 * Relays TCP connections to the gRPC server so that a fault can cut the very connection a call came on
 * (grpc-js gives handlers no socket): the server sees each relayed connection's local port as the
 * call's peer.
 */
class Relay {
  private readonly byPeerPort = new Map<number, readonly [Socket, Socket]>();
  readonly server: Server;
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

  /** Cuts the connection whose relayed side has `peer` (`[ipv4:]host:port`) as address. */
  drop(peer: string): void {
    const pair = this.byPeerPort.get(Number(/:(\d+)$/.exec(peer)?.[1]));
    for (const socket of pair ?? []) socket.destroy();
  }

  closeAll(): void {
    for (const pair of this.byPeerPort.values()) for (const socket of pair) socket.destroy();
    this.byPeerPort.clear();
  }
}

function faultMiddleware(options: ListenGrpcOptions, relay: Relay) {
  return async function* <Request, Response>(
    call: ServerMiddlewareCall<Request, Response>,
    context: CallContext,
  ): AsyncGenerator<Response, Response | void, undefined> {
    const path = call.method.path;
    const fault = options.faults?.take('POST', path);
    options.log?.push({ path, ...(fault === undefined ? {} : { fault: fault.kind }) });
    const delay = (options.latencyMs ?? 0) + (fault?.kind === 'latency' ? (fault.delayMs ?? 0) : 0);
    if (delay > 0) await sleep(delay);
    if (fault?.kind === 'status') {
      const code = grpcStatusOf(fault.status ?? 500);
      const message = code === Status.RESOURCE_EXHAUSTED ? 'rate limit exceeded' : 'injected server error';
      for (const [key, value] of Object.entries(options.faultTrailer?.(code, message, fault) ?? {}))
        context.trailer.set(key, value);
      throw new ServerError(code, message);
    }
    if (fault?.kind === 'drop') {
      relay.drop(context.peer);
      throw new ServerError(Status.UNAVAILABLE, 'connection dropped');
    }
    if (fault?.kind === 'drop-response') {
      // The handler runs to its end (its effects happen), then the client loses the connection.
      const inner = call.next(call.request, context);
      while ((await inner.next()).done !== true);
      relay.drop(context.peer);
      throw new ServerError(Status.UNAVAILABLE, 'connection dropped');
    }
    return yield* call.next(call.request, context);
  };
}

/**
 * Serves `services` over plaintext HTTP/2 (h2c) on 127.0.0.1 and a free port, as a gRPC provider's fake
 * needs: the provider's own codecs (ts-proto generic definitions, as nice-grpc and most generated SDK
 * clients use) and fault injection per call, with dropped connections that are real TCP drops.
 */
export async function listenGrpc(options: ListenGrpcOptions): Promise<GrpcListener> {
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

/**
 * Every method of `definition`: the given handlers, and UNIMPLEMENTED for the rest (as a gRPC server
 * answers a method it does not have), so a fake implements only what its SDK's calls need.
 */
export function serviceOf(
  definition: {
    readonly methods: Readonly<Record<string, { readonly name: string; readonly responseStream: boolean }>>;
  },
  handlers: Readonly<Record<string, unknown>>,
  unimplemented: (method: string) => string = (method) => `the offline provider does not implement ${method}`,
): GrpcService {
  const implementation: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    const refuse = (): never => {
      throw new ServerError(Status.UNIMPLEMENTED, unimplemented(method.name));
    };
    implementation[key] =
      handlers[key] ??
      (method.responseStream
        ? async function* () {
            yield refuse();
          }
        : refuse);
  }
  return { definition: definition as unknown as CompatServiceDefinition, implementation };
}

export { ServerError, Status };
export type { CallContext };
