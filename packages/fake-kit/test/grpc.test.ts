import { afterEach, describe, expect, it } from 'vitest';
import { createChannel, createClient, type Client, type Metadata } from 'nice-grpc';
import {
  FaultInjector,
  listenGrpc,
  serviceOf,
  Status,
  type GrpcCallRecord,
  type GrpcFaultTrailer,
  type GrpcListener,
} from '../src/index.js';

// A two-method service with JSON messages, in the grpc-js definition shape nice-grpc accepts.
const json = {
  requestSerialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  requestDeserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as unknown,
  responseSerialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  responseDeserialize: (bytes: Buffer) => JSON.parse(bytes.toString()) as unknown,
};
const EchoDefinition = {
  echo: { path: '/test.Echo/Echo', requestStream: false, responseStream: false, ...json },
  count: { path: '/test.Echo/Count', requestStream: false, responseStream: true, ...json },
} as const;

const open: GrpcListener[] = [];
afterEach(async () => {
  for (const listener of open.splice(0)) await listener.close();
});

const faultTrailer: GrpcFaultTrailer = (code, message, fault) => {
  const trailer: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined)
    trailer['x-retry-after'] = `${fault.retryAfterSeconds} (${code} ${message})`;
  return trailer;
};

async function start(faults: FaultInjector, handled: string[], log: GrpcCallRecord[] = []) {
  const listener = await listenGrpc({
    services: [
      {
        definition: EchoDefinition,
        implementation: {
          echo: (request: { text: string }) => {
            handled.push(request.text);
            return { text: request.text };
          },
          count: async function* () {
            yield { n: 1 };
            yield { n: 2 };
          },
        },
      },
    ],
    faults,
    faultTrailer,
    log,
  });
  open.push(listener);
  const client: Client<typeof EchoDefinition> = createClient(EchoDefinition, createChannel(listener.url));
  return { listener, client };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { code?: number }) => error,
  );

describe('listenGrpc', () => {
  it('serves calls over h2c and logs them', async () => {
    const handled: string[] = [];
    const log: GrpcCallRecord[] = [];
    const { listener, client } = await start(new FaultInjector(), handled, log);
    expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await client.echo({ text: 'hi' })).toEqual({ text: 'hi' });
    const counted: unknown[] = [];
    for await (const item of client.count({})) counted.push(item);
    expect(counted).toEqual([{ n: 1 }, { n: 2 }]);
    expect(log).toEqual([{ path: '/test.Echo/Echo' }, { path: '/test.Echo/Count' }]);
  });

  it('turns a status fault into the gRPC status it stands for, with the provider trailer', async () => {
    const handled: string[] = [];
    const faults = new FaultInjector([
      { kind: 'status', match: '/test.Echo/Echo', status: 429, retryAfterSeconds: 2 },
      { kind: 'status', match: '/test.Echo/Echo', status: 503 },
    ]);
    const { client } = await start(faults, handled);
    let trailer: Metadata | undefined;
    const throttled = await failure(
      client.echo({ text: 'a' }, { onTrailer: (received) => (trailer = received) }),
    );
    expect(throttled?.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(trailer?.get('x-retry-after')).toBe(`2 (${Status.RESOURCE_EXHAUSTED} rate limit exceeded)`);
    expect((await failure(client.echo({ text: 'b' })))?.code).toBe(Status.UNAVAILABLE);
    expect(handled).toEqual([]);
    expect(await client.echo({ text: 'c' })).toEqual({ text: 'c' });
  });

  it('drop cuts the connection before the call is handled; drop-response after', async () => {
    const handled: string[] = [];
    const faults = new FaultInjector([
      { kind: 'drop', match: 'Echo/Echo' },
      { kind: 'drop-response', match: 'Echo/Echo' },
    ]);
    const { client } = await start(faults, handled);
    expect((await failure(client.echo({ text: 'never' })))?.code).toBe(Status.UNAVAILABLE);
    expect(handled).toEqual([]);
    expect((await failure(client.echo({ text: 'acted' })))?.code).toBe(Status.UNAVAILABLE);
    expect(handled).toEqual(['acted']);
    // The channel reconnects after a cut connection.
    expect(await client.echo({ text: 'again' })).toEqual({ text: 'again' });
  });

  it('serviceOf answers UNIMPLEMENTED for the methods a fake does not handle', async () => {
    const definition = {
      name: 'Echo',
      fullName: 'test.Echo',
      methods: {
        echo: { name: 'Echo', responseStream: false },
        count: { name: 'Count', responseStream: true },
      },
    };
    const service = serviceOf(definition, { echo: () => ({}) }, (method) => `no ${method} here`);
    const implementation = service.implementation as Record<string, () => unknown>;
    expect(() => implementation.echo!()).not.toThrow();
    const stream = implementation.count!() as AsyncGenerator<unknown>;
    await expect(stream.next()).rejects.toMatchObject({
      code: Status.UNIMPLEMENTED,
      details: 'no Count here',
    });
  });
});
