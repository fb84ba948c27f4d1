import { request } from 'node:http';
import { connect } from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyFault,
  FakeRouter,
  listen,
  sendReply,
  type FakeListener,
  type FaultSpec,
} from '../src/index.js';

const open: FakeListener[] = [];
afterEach(async () => {
  for (const listener of open.splice(0)) await listener.close();
});

const routes = new FakeRouter<{ readonly calls: string[] }>()
  .on('GET', '/items/:id', ({ params }) => ({ status: 200, body: { id: params.id } }))
  .on('POST', '/items', ({ calls }) => {
    calls.push('created');
    return { status: 201, body: { created: true } };
  });

async function start(protocol: 'http1' | 'h2c' | 'http1+h2c', fault?: FaultSpec, calls: string[] = []) {
  const listener = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      if (url.pathname === '/boom') throw new Error('handler broke');
      if (
        await applyFault(fault, req, res, (out, status, message, headers) =>
          sendReply(out, { status, body: { message }, headers }),
        )
      )
        return;
      const route = routes.route(req.method ?? 'GET', url.pathname);
      if (route.handler === undefined) {
        sendReply(res, { status: route.allowed.length === 0 ? 404 : 405, body: { allowed: route.allowed } });
        return;
      }
      const reply = await route.handler({ req, res, url, params: route.params, calls });
      if (reply !== undefined) sendReply(res, reply);
    },
    { protocol },
  );
  open.push(listener);
  return listener;
}

function h2Request(url: string, method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(url);
    session.on('error', reject);
    const stream = session.request({ ':method': method, ':path': path });
    let status = 0;
    let body = '';
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status, body });
    });
    stream.on('error', (error: Error) => {
      session.close();
      reject(error);
    });
    stream.end();
  });
}

describe('listen and FakeRouter', () => {
  it('serves HTTP/1.1 with decoded path parameters, 404 and 405', async () => {
    const { url } = await start('http1');
    const got = await fetch(`${url}/items/a%20b`);
    expect([got.status, await got.json()]).toEqual([200, { id: 'a b' }]);
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
    const wrong = await fetch(`${url}/items`, { method: 'GET' });
    expect([wrong.status, await wrong.json()]).toEqual([405, { allowed: ['POST'] }]);
  });

  it('serves h2c (HTTP/2 without TLS)', async () => {
    const { url } = await start('h2c');
    expect(await h2Request(url, 'GET', '/items/7')).toEqual({ status: 200, body: '{"id":"7"}' });
  });

  it('serves HTTP/1.1 and h2c on one port with http1+h2c, each connection by its first bytes', async () => {
    const { url } = await start('http1+h2c');
    const [h2, http1] = await Promise.all([h2Request(url, 'GET', '/items/h2'), fetch(`${url}/items/h1`)]);
    expect(h2).toEqual({ status: 200, body: '{"id":"h2"}' });
    expect([http1.status, await http1.json()]).toEqual([200, { id: 'h1' }]);
    expect(await h2Request(url, 'GET', '/items/again')).toEqual({ status: 200, body: '{"id":"again"}' });
  });

  it('answers a failing handler with a 500 naming the failure', async () => {
    const { url } = await start('http1');
    const got = await fetch(`${url}/boom`);
    expect(got.status).toBe(500);
    expect(JSON.stringify(await got.json())).toContain('handler broke');
  });
});

describe('applyFault', () => {
  it('answers a status fault with the given status and Retry-After, without handling the request', async () => {
    const calls: string[] = [];
    const { url } = await start(
      'http1',
      { kind: 'status', status: 429, retryAfterSeconds: 3, match: '' },
      calls,
    );
    const got = await fetch(`${url}/items`, { method: 'POST' });
    expect([got.status, got.headers.get('retry-after')]).toEqual([429, '3']);
    expect(calls).toEqual([]);
  });

  it('drops the connection before handling the request', async () => {
    const calls: string[] = [];
    const { url } = await start('http1', { kind: 'drop', match: '' }, calls);
    await expect(fetch(`${url}/items`, { method: 'POST' })).rejects.toThrow();
    expect(calls).toEqual([]);
  });

  it('handles the request and then drops the response (the provider acted, the client never hears)', async () => {
    const calls: string[] = [];
    const { url } = await start('http1', { kind: 'drop-response', match: '' }, calls);
    await expect(fetch(`${url}/items`, { method: 'POST' })).rejects.toThrow();
    expect(calls).toEqual(['created']);
  });

  it('resets only the stream on h2c', async () => {
    const { url } = await start('h2c', { kind: 'drop', match: '' });
    await expect(h2Request(url, 'GET', '/items/1')).rejects.toThrow();
  });

  it('delays the request by a latency fault, then handles it', async () => {
    const { url } = await start('http1', { kind: 'latency', delayMs: 150, match: '' });
    const started = performance.now();
    expect((await fetch(`${url}/items/1`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('upgrades', () => {
  it('hands an Upgrade request to onUpgrade with its socket', async () => {
    const seen: string[] = [];
    const withHook = await listen(async () => undefined, {
      onUpgrade: async (req, socket) => {
        seen.push(`${req.headers.upgrade ?? ''} ${req.url ?? ''}`);
        socket.end('HTTP/1.1 418 I am a teapot\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      },
    });
    open.push(withHook);
    const ask = (url: string): Promise<number | string> =>
      new Promise((resolve) => {
        const req = request(`${url}/socket`, { headers: { connection: 'Upgrade', upgrade: 'websocket' } });
        req.on('response', (res) => resolve(res.statusCode ?? 0));
        req.on('error', (error) => resolve(error.message));
        req.end();
      });
    expect(await ask(withHook.url)).toBe(418);
    expect(seen).toEqual(['websocket /socket']);
  });
});
