import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, SandboxHandle } from '@agentkernel/core';
import { startFakeE2B, type FakeE2B } from '../src/testing/index.js';
import { parseSandboxHost } from '../src/testing/edge.js';
import { openAgainst } from './helpers/open.js';
import { spec } from './helpers/spec.js';

// A server that echoes what it received, so forwarding can be checked end to end.
const ECHO_SERVER = `
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('content-length', 0)))
        out = json.dumps({'method': self.command, 'path': self.path, 'body': body.decode(), 'header': self.headers.get('x-probe')}).encode()
        self.send_response(201)
        self.send_header('content-length', str(len(out)))
        self.send_header('x-served-by', 'sandbox')
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *args):
        pass
http.server.HTTPServer(('0.0.0.0', int(sys.argv[1])), H).serve_forever()
`;

/** A port nothing listens on: the kernel hands out a free one, which is closed again at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let fake: FakeE2B;
let backend: Backend;
let sandbox: SandboxHandle;
beforeAll(async () => {
  fake = await startFakeE2B();
  backend = await openAgainst(fake, { domain: 'sandboxes.example.test' });
  sandbox = await backend.create(spec({ network: true }));
});
afterAll(async () => {
  await fake.close();
});

async function endpointOf(handle: SandboxHandle, port: number): Promise<string> {
  const [endpoint] = (await handle.endpoints?.([port])) ?? [];
  if (endpoint === undefined) throw new Error('no endpoint');
  return endpoint.url;
}

// Each request has a deadline: an error that hangs instead of answering fails the test.
const quick = (): RequestInit => ({ signal: AbortSignal.timeout(5000) });

describe("the fake's edge for sandbox ports (fetchEndpoint)", () => {
  it('reads <port>-<sandboxId>.<domain> as E2B does', () => {
    expect(parseSandboxHost('3000-iabc123.e2b.app')).toEqual({ port: 3000, sandboxID: 'iabc123' });
    expect(parseSandboxHost('3000-iabc123-extra.e2b.app')).toEqual({ port: 3000, sandboxID: 'iabc123' });
    expect(parseSandboxHost('localhost')).toBe('Invalid host');
    expect(parseSandboxHost('www.e2b.app')).toBe('Invalid host');
    expect(parseSandboxHost('web-iabc123.e2b.app')).toBe('Invalid sandbox port');
    expect(parseSandboxHost('70000-iabc123.e2b.app')).toBe('Invalid sandbox port');
  });

  it('forwards method, path, query, headers and body to the server in the sandbox, and its answer back', async () => {
    const port = await closedPort();
    const controller = new AbortController();
    const serving = sandbox
      .exec(['python3', '-c', ECHO_SERVER, String(port)], { signal: controller.signal })
      .catch((error: unknown) => error);
    try {
      const url = await endpointOf(sandbox, port);
      expect(url).toBe(`https://${port}-${sandbox.ref.id}.sandboxes.example.test`);
      const target = `${url}/api/items?x=1`;
      let response = await fake.fetchEndpoint(target, {
        method: 'POST',
        body: 'payload',
        headers: { 'x-probe': 'p' },
        ...quick(),
      });
      for (let tries = 0; response.status === 502 && tries < 50; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        response = await fake.fetchEndpoint(target, {
          method: 'POST',
          body: 'payload',
          headers: { 'x-probe': 'p' },
          ...quick(),
        });
      }
      expect(response.status).toBe(201);
      expect(response.headers.get('x-served-by')).toBe('sandbox');
      expect(await response.json()).toEqual({
        method: 'POST',
        path: '/api/items?x=1',
        body: 'payload',
        header: 'p',
      });
    } finally {
      controller.abort(new Error('server no longer needed'));
      await serving;
    }
  });

  it('answers 502 at once for a port nobody listens on', async () => {
    const port = await closedPort();
    const started = Date.now();
    const response = await fake.fetchEndpoint(await endpointOf(sandbox, port), quick());
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      sandboxId: sandbox.ref.id,
      message: 'The sandbox is running but port is not open',
      port: String(port),
      code: 502,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 502 for an unknown sandbox id and for a destroyed sandbox', async () => {
    const unknown = await fake.fetchEndpoint(
      'https://8080-inosuchsandbox00000.sandboxes.example.test/',
      quick(),
    );
    expect(unknown.status).toBe(502);
    expect(await unknown.json()).toEqual({
      sandboxId: 'inosuchsandbox00000',
      message: 'The sandbox was not found',
      code: 502,
    });
    const doomed = await backend.create(spec({ network: true }));
    const url = await endpointOf(doomed, 8080);
    await doomed.destroy();
    const gone = await fake.fetchEndpoint(url, quick());
    expect(gone.status).toBe(502);
    expect(((await gone.json()) as { message: string }).message).toBe('The sandbox was not found');
  });

  it('answers 400 for a host that is not a sandbox host', async () => {
    const response = await fake.fetchEndpoint('https://sandboxes.example.test/', quick());
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('Invalid host\n');
  });

  it('answers 502 for a sandbox without internet access, whose servers it cannot reach', async () => {
    const isolated = await backend.create(spec({ network: false }));
    try {
      const response = await fake.fetchEndpoint(await endpointOf(isolated, 8080), quick());
      expect(response.status).toBe(502);
      expect(((await response.json()) as { message: string }).message).toContain('without internet access');
    } finally {
      await isolated.destroy();
    }
  });
});
