import { afterEach, describe, expect, it } from 'vitest';
import {
  admit,
  fakeTraffic,
  FakeRouter,
  intake,
  listen,
  sendReply,
  type FakeHttpRequest,
  type FakeListener,
  type FakeRequestRecord,
  type RouteMisses,
} from '../src/index.js';

interface Logged extends FakeRequestRecord {
  readonly agent: string;
}

const open: FakeListener[] = [];
afterEach(async () => {
  for (const listener of open.splice(0)) await listener.close();
});

const routes = new FakeRouter<{ readonly tenant: string }>().on(
  'GET',
  '/items/:id',
  ({ params, tenant }) => ({
    status: 200,
    body: { id: params.id, tenant },
  }),
);

/** A fake built as the provider fakes are: admit, then dispatch, in a `{ error }` format of its own. */
async function start(
  latencyMs = 0,
  misses: RouteMisses = { error: (status, error) => ({ status, body: { error } }) },
) {
  const traffic = fakeTraffic<Logged>({ latencyMs });
  const details = (req: FakeHttpRequest) => {
    const agent = req.headers['x-agent'];
    return { agent: typeof agent === 'string' ? agent : '' };
  };
  const listener = await listen(async (req, res) => {
    const admitted = await admit(req, res, {
      ...traffic,
      details,
      faultReply: (out, status, message, headers) =>
        sendReply(out, { status, body: { error: message }, headers }),
    });
    if (admitted === undefined) return;
    const reply = await routes.dispatch({ req, res, ...admitted }, { tenant: 't1' }, misses);
    if (reply !== undefined) sendReply(res, reply);
  });
  open.push(listener);
  return { ...traffic, url: listener.url };
}

describe('admit', () => {
  it('records every request with its details and fault, and hands the rest to the fake', async () => {
    const fake = await start();
    fake.faults.add({ kind: 'status', status: 503, match: 'GET /items/2' });
    const ok = await fetch(`${fake.url}/items/1?q=1`, { headers: { 'x-agent': 'sdk' } });
    expect([ok.status, await ok.json()]).toEqual([200, { id: '1', tenant: 't1' }]);
    const faulted = await fetch(`${fake.url}/items/2`);
    expect([faulted.status, await faulted.json()]).toEqual([503, { error: 'injected server error' }]);
    expect(fake.log).toEqual([
      { method: 'GET', path: '/items/1', agent: 'sdk' },
      { method: 'GET', path: '/items/2', agent: '', fault: 'status' },
    ]);
  });

  it('waits the fake latency before every request', async () => {
    const fake = await start(120);
    const started = performance.now();
    expect((await fetch(`${fake.url}/items/1`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('intake', () => {
  it('parses the URL, draws the fault and logs, without applying the fault', async () => {
    const traffic = fakeTraffic<FakeRequestRecord>({ faults: [{ kind: 'drop', match: 'GET /x' }] });
    const taken = await intake({ method: 'GET', url: '/x?a=b', headers: {} } as never, traffic);
    expect([taken.method, taken.url.pathname, taken.url.searchParams.get('a'), taken.fault?.kind]).toEqual([
      'GET',
      '/x',
      'b',
      'drop',
    ]);
    expect(traffic.log).toEqual([{ method: 'GET', path: '/x', fault: 'drop' }]);
  });
});

describe('FakeRouter.dispatch', () => {
  it("answers 404 and 405 in the provider's format, the 404 text its own when it says so", async () => {
    const plain = await start();
    const missing = await fetch(`${plain.url}/nothing`);
    expect([missing.status, await missing.json()]).toEqual([404, { error: 'no route for GET /nothing' }]);
    const wrong = await fetch(`${plain.url}/items/1`, { method: 'DELETE' });
    expect([wrong.status, await wrong.json()]).toEqual([405, { error: 'DELETE is not allowed on /items/1' }]);
    const nest = await start(0, {
      error: (status, message) => ({ status, body: { statusCode: status, message } }),
      notFound: (method, path) => `Cannot ${method} ${path}`,
    });
    expect(await (await fetch(`${nest.url}/nothing`)).json()).toEqual({
      statusCode: 404,
      message: 'Cannot GET /nothing',
    });
  });
});
