// What `agentkernel serve` refuses, and how: authentication, limits, hostile bodies and paths, binding
// beyond loopback, DNS rebinding, concurrent requests on one sandbox, and the `work_dir` opt-in.
import { request as httpRequest } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentKernel, AuthError, ServerError, ValidationError } from 'agentkernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, CLI_BIN, REPO_ROOT, tempDir } from './helpers.js';
import { startServer, type RunningServer } from './serve-server.js';

const KEY = 'a-long-enough-test-key-7f3a';

/** A raw request, with nothing normalised (fetch would resolve `..` and set its own Host). */
function raw(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<{ status: number; body: string; json: () => Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  let responded = false;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers ?? {},
      },
      (res) => {
        responded = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            body,
            json: () => JSON.parse(body) as Record<string, unknown>,
          });
        });
      },
    );
    // A server that answers before reading the whole body may reset the upload after its answer.
    req.on('error', (error) => (responded ? undefined : reject(error)));
    req.end(options.body);
  });
}

describe('agentkernel serve with an API key', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let server: RunningServer;
  let client: AgentKernel;
  const auth = { authorization: `Bearer ${KEY}` };
  const json = { ...auth, 'content-type': 'application/json' };

  beforeAll(async () => {
    home = await tempDir('serve-safety');
    server = await startServer({ home: home.path, cwd: REPO_ROOT, args: ['--api-key', KEY] });
    client = new AgentKernel({ baseUrl: server.url, apiKey: KEY, timeout: 60_000 });
    await client.createSandbox('guarded');
  }, 60_000);

  afterAll(async () => {
    await client?.removeSandbox('guarded').catch(() => undefined);
    await server?.stop();
    await home?.cleanup();
  });

  it('refuses a missing, malformed or wrong key with AuthError, and keeps /health open', async () => {
    const anonymous = new AgentKernel({ baseUrl: server.url });
    await expect(anonymous.listSandboxes()).rejects.toThrow(new AuthError('Missing Authorization header'));
    await expect(new AgentKernel({ baseUrl: server.url, apiKey: 'wrong' }).listSandboxes()).rejects.toThrow(
      new AuthError('Invalid API key'),
    );
    const basic = await raw(server.url, { path: '/sandboxes', headers: { authorization: `Basic ${KEY}` } });
    expect(basic.status).toBe(401);
    expect(basic.json()).toEqual({
      success: false,
      error: 'Invalid authorization format. Use: Bearer <api_key>',
    });
    expect(await anonymous.health()).toBe('ok');
    // Unknown routes are hidden behind the key too, then answered in the envelope.
    expect((await raw(server.url, { path: '/nope' })).status).toBe(401);
    expect((await raw(server.url, { path: '/nope', headers: auth })).json()).toEqual({
      success: false,
      error: 'Not found',
    });
  });

  it('answers 201 to a create and 409 with exit_code and output to a failing exec', async () => {
    const created = await raw(server.url, {
      method: 'POST',
      path: '/sandboxes',
      headers: json,
      body: JSON.stringify({ name: 'twice', ports: ['8080:80'] }),
    });
    expect(created.status).toBe(201);
    expect(created.json().data).toMatchObject({ name: 'twice', ports: ['80'] });
    const failed = await raw(server.url, {
      method: 'POST',
      path: '/sandboxes/twice/exec',
      headers: json,
      body: JSON.stringify({ command: ['sh', '-c', 'echo no; exit 9'] }),
    });
    expect(failed.status).toBe(409);
    expect(failed.json()).toEqual({
      success: false,
      error: 'Command exited with code 9: no\n',
      exit_code: 9,
      output: 'no\n',
    });
    expect(
      (await raw(server.url, { method: 'POST', path: '/sandboxes/twice/stop', headers: auth })).json(),
    ).toEqual({ success: true, data: 'Sandbox stopped' });
    expect((await client.getSandbox('twice')).status).toBe('stopped');
    expect(
      (await raw(server.url, { method: 'POST', path: '/sandboxes/twice/start', headers: auth })).json(),
    ).toEqual({ success: true, data: 'Sandbox started' });
    await client.removeSandbox('twice');
  });

  it('keeps labels and a description, filters the list by label, changes them with PATCH', async () => {
    const send = (method: string, path: string, body: unknown) =>
      raw(server.url, { method, path, headers: json, body: JSON.stringify(body) });
    const created = await send('POST', '/sandboxes', {
      name: 'labelled',
      labels: { team: 'infra', 'app.kind': 'web' },
      description: 'the web one',
    });
    expect(created.status).toBe(201);
    expect(created.json().data).toMatchObject({
      labels: { team: 'infra', 'app.kind': 'web' },
      description: 'the web one',
    });
    const names = async (query: string) =>
      (
        (await raw(server.url, { path: `/sandboxes${query}`, headers: auth })).json().data as {
          name: string;
        }[]
      ).map((sandbox) => sandbox.name);
    expect(await names('?label=team:infra')).toEqual(['labelled']);
    expect(await names('?label=team:infra&label=app.kind:web')).toEqual(['labelled']);
    expect(await names('?label=team:other')).toEqual([]);
    expect(await names('')).toEqual(['guarded', 'labelled']);
    const patched = await send('PATCH', '/sandboxes/labelled', { labels: { team: 'data' } });
    expect(patched.json().data).toMatchObject({ labels: { team: 'data' }, description: 'the web one' });
    expect(await names('?label=team:data')).toEqual(['labelled']);
    expect((await send('PATCH', '/sandboxes/labelled', { description: '' })).json().data).not.toHaveProperty(
      'description',
    );
    expect((await send('PATCH', '/sandboxes/labelled', { labels: { 'bad key': 'x' } })).status).toBe(400);
    expect(
      (await send('POST', '/sandboxes', { name: 'x1', labels: { 'agentkernel.name': 'x' } })).status,
    ).toBe(400);
    expect((await send('PATCH', '/sandboxes/nobody', { labels: {} })).status).toBe(404);
    await client.removeSandbox('labelled');
  });

  it('extends a TTL, refuses bad durations, and refuses to run commands in an expired sandbox', async () => {
    const send = (method: string, path: string, body?: string) =>
      raw(server.url, {
        method,
        path,
        headers: body === undefined ? auth : json,
        ...(body === undefined ? {} : { body }),
      });
    const error = (response: { json: () => { error?: string } }) => response.json().error ?? '';
    for (const [body, wanted] of [
      ['{"by": 5}', 'body must be {"by": "30m"}'],
      ['["1h"]', 'body must be {"by": "30m"}'],
      ['{"by": "soon"}', 'by "soon": write a duration such as 90s, 30m, 1h, 2d or 1h30m'],
      ['{"by": "0"}', 'by "0": give a duration of more than 0'],
    ] as const) {
      const response = await send('POST', '/sandboxes/guarded/extend', body);
      expect(response.status, body).toBe(400);
      expect(error(response), body).toContain(wanted);
    }
    expect((await send('POST', '/sandboxes/nobody/extend', '{"by": "1h"}')).status).toBe(404);
    expect((await send('POST', '/sandboxes/bad..name/extend', '{"by": "1h"}')).status).toBe(400);

    // No body: an hour from now, as the sandbox had no TTL.
    const before = Date.now();
    const first = await send('POST', '/sandboxes/guarded/extend');
    expect(first.status).toBe(200);
    const firstExpiry = Date.parse((first.json() as { data: { expires_at: string } }).data.expires_at);
    expect(firstExpiry - before).toBeGreaterThanOrEqual(3_600_000);
    expect(firstExpiry - before).toBeLessThan(3_600_000 + 600_000);

    // Its TTL passes (written into its record, as time passing would leave it).
    const file = join(home.path, 'sandboxes', 'guarded.json');
    const record = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...record, expiresAt: '2020-01-01T00:00:00.000Z' }));
    const refused = await send('POST', '/sandboxes/guarded/exec', '{"command": ["true"]}');
    expect(refused.status).toBe(409);
    expect(error(refused)).toContain('sandbox "guarded" expired at 2020-01-01T00:00:00.000Z');
    expect((await send('GET', '/sandboxes/guarded')).status).toBe(200);

    // Extending an expired sandbox counts from now, and it runs commands again.
    const revived = await client.extendTtl('guarded', { by: '30m' });
    expect(Date.parse(revived.expires_at!)).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect((await client.execInSandbox('guarded', ['echo', 'back'])).output).toBe('back\n');
  });

  it('answers 413 to a body over 16 MiB', async () => {
    const big = JSON.stringify({ content: 'x'.repeat(16 * 1024 * 1024) });
    const response = await raw(server.url, {
      method: 'PUT',
      path: '/sandboxes/guarded/files/big.txt',
      headers: json,
      body: big,
    });
    expect(response.status).toBe(413);
    expect(response.json()).toMatchObject({ success: false });
    await expect(client.writeFile('guarded', 'big.txt', 'x'.repeat(17 * 1024 * 1024))).rejects.toBeInstanceOf(
      ServerError,
    );
  });

  it('answers 400 in the envelope to hostile or malformed bodies', async () => {
    const post = (path: string, body: string, headers: Record<string, string> = json) =>
      raw(server.url, { method: 'POST', path, headers, body });
    const cases: [string, string][] = [
      ['/sandboxes/guarded/exec', '{"command": ["ls"'],
      ['/sandboxes/guarded/exec', '{"command": "ls"}'],
      ['/sandboxes/guarded/exec', '{"command": []}'],
      ['/sandboxes/guarded/exec', '{"command": [1, 2]}'],
      ['/sandboxes/guarded/exec', '{"__proto__": {"polluted": true}, "command": ["true"]}'],
      ['/sandboxes/guarded/exec', '{"command": ["true"], "env": ["no equals sign"]}'],
      ['/sandboxes/guarded/exec', '{"command": ["true"], "workdir": "/workspace/../etc"}'],
      ['/sandboxes', '{"name": "../../etc"}'],
      ['/sandboxes', '{"name": "ok-name", "profile": "lax"}'],
      ['/sandboxes', '{"name": "ok-name", "ports": ["99999"]}'],
      ['/sandboxes', '{"name": "ok-name", "secrets": ["OPENAI_API_KEY"]}'],
      ['/sandboxes', '{"name": "ok-name", "work_dir": "/"}'],
      ['/sandboxes', '{"name": "ok-name", "backend": "no-such-backend"}'],
      ['/snapshots', '{"sandbox": "guarded", "name": "../x"}'],
      ['/run', '[]'],
      ['/batch/run', '{"commands": []}'],
    ];
    for (const [path, body] of cases) {
      const response = await post(path, body);
      expect(response.status, `${path} ${body}: ${response.body}`).toBe(400);
      expect(response.json().success).toBe(false);
      expect(typeof response.json().error).toBe('string');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const text = await post('/sandboxes/guarded/exec', '{"command":["true"]}', {
      ...auth,
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(415);
    await expect(client.execInSandbox('guarded', ['true'], { sudo: true })).rejects.toBeInstanceOf(
      ServerError,
    );
    // None of these made a sandbox.
    expect((await client.listSandboxes()).map((sandbox) => sandbox.name)).toEqual(['guarded']);
  });

  it('refuses file paths with .. or control characters, and paths the backend keeps out', async () => {
    for (const path of ['/sandboxes/guarded/files/a/../../etc/passwd', '/sandboxes/guarded/files/a%00b']) {
      const response = await raw(server.url, { path, headers: auth });
      expect(response.status, path).toBe(400);
      expect(response.json().success).toBe(false);
    }
    await expect(client.readFile('guarded', '/etc/passwd')).rejects.toBeInstanceOf(ValidationError);
    await expect(client.writeFile('guarded', '/etc/agentkernel-test', 'x')).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('serialises concurrent creates of one name: one wins, the other is told it exists', async () => {
    const [first, second] = await Promise.allSettled([
      client.createSandbox('raced'),
      client.createSandbox('raced'),
    ]);
    const outcomes = [first, second].map((outcome) => outcome.status).sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const failure = [first, second].find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(failure.reason).toBeInstanceOf(ValidationError);
    expect(String(failure.reason.message)).toContain('already exists');
    const outputs = await Promise.all(
      Array.from({ length: 4 }, (_, i) => client.execInSandbox('raced', ['echo', String(i)])),
    );
    expect(outputs.map((result) => result.output)).toEqual(['0\n', '1\n', '2\n', '3\n']);
    await client.removeSandbox('raced');
  });

  it('lists every discovered backend with its readiness', async () => {
    const response = await raw(server.url, { path: '/backends', headers: auth });
    const backends = response.json().data as {
      name: string;
      default: boolean;
      usable: boolean;
      configured: boolean;
      reason: string | null;
      capabilities: unknown;
    }[];
    const byName = Object.fromEntries(backends.map((backend) => [backend.name, backend]));
    expect(Object.keys(byName).sort()).toEqual([
      'agentcomputer',
      'daytona',
      'e2b',
      'local',
      'modal',
      'runloop',
    ]);
    expect(byName.local).toMatchObject({ default: true, usable: true, configured: true, reason: null });
    expect(byName.e2b).toMatchObject({ default: false, usable: false, configured: false });
    expect(byName.e2b?.reason).toContain('E2B_API_KEY');
    expect(byName.agentcomputer).toMatchObject({ usable: false });
    expect(byName.agentcomputer?.reason).toContain('stub');
    expect(byName.local?.capabilities).toMatchObject({ nativeSnapshots: true });
  });

  it('never prints the key', () => {
    expect(server.stderr()).toContain('GET /sandboxes');
    expect(server.stderr()).not.toContain(KEY);
  });
});

describe('agentkernel serve without a key', () => {
  it('refuses to listen beyond loopback', async () => {
    const home = await tempDir('serve-open');
    try {
      const result = await agentkernel(['serve', '-H', '0.0.0.0', '-p', '0'], {
        home: home.path,
        env: { AGENTKERNEL_API_KEY: undefined },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('refusing to listen on 0.0.0.0 without an API key');
    } finally {
      await home.cleanup();
    }
  });

  it('answers only requests addressed to a loopback name from no foreign web page', async () => {
    const home = await tempDir('serve-loopback');
    const server = await startServer({ home: home.path });
    try {
      const port = new URL(server.url).port;
      expect(
        (await raw(server.url, { path: '/sandboxes', headers: { host: `localhost:${port}` } })).status,
      ).toBe(200);
      const rebound = await raw(server.url, {
        path: '/sandboxes',
        headers: { host: `attacker.example:${port}` },
      });
      expect(rebound.status).toBe(403);
      expect(rebound.json().success).toBe(false);
    } finally {
      await server.stop();
      await home.cleanup();
    }
  });

  it('takes keys from a file and from AGENTKERNEL_API_KEY', async () => {
    const home = await tempDir('serve-keys');
    await writeFile(join(home.path, 'keys.txt'), '# one a line\nfrom-the-file-key\n\n');
    const server = await startServer({
      home: home.path,
      args: ['--api-key-file', 'keys.txt'],
      env: { AGENTKERNEL_API_KEY: 'from-the-environment' },
    });
    try {
      for (const apiKey of ['from-the-file-key', 'from-the-environment'])
        expect(await new AgentKernel({ baseUrl: server.url, apiKey }).listSandboxes()).toEqual([]);
      await expect(
        new AgentKernel({ baseUrl: server.url, apiKey: 'other' }).listSandboxes(),
      ).rejects.toBeInstanceOf(AuthError);
    } finally {
      await server.stop();
      await home.cleanup();
    }
  });
});

/** `POST /sandboxes` with fields the SDK does not send; resolves with the status and the envelope. */
async function createWith(url: string, body: Record<string, unknown>) {
  const response = await fetch(`${url}/sandboxes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('work_dir: a host folder kept in step with the workspace', () => {
  it('is refused unless the server names a root, then synced on create and on every exec', async () => {
    const home = await tempDir('serve-workdir');
    const root = join(home.path, 'projects');
    const project = join(root, 'app');
    await mkdir(project, { recursive: true });
    await writeFile(join(project, 'input.txt'), 'from the host\n');
    const closed = await startServer({ home: home.path, args: ['--api-key', KEY] });
    try {
      const refused = await createWith(closed.url, { name: 'synced', work_dir: project });
      expect(refused.status).toBe(400);
      expect(String(refused.body.error)).toContain('--work-dir-root');
    } finally {
      await closed.stop();
    }
    const server = await startServer({ home: home.path, args: ['--api-key', KEY, '--work-dir-root', root] });
    const client = new AgentKernel({ baseUrl: server.url, apiKey: KEY, timeout: 60_000 });
    try {
      expect((await createWith(server.url, { name: 'outside', work_dir: home.path })).status).toBe(400);
      const created = await createWith(server.url, { name: 'synced', work_dir: project });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({ name: 'synced', work_dir: project });
      expect((created.body.data as Record<string, unknown>).workspace_revision).toMatch(/^[0-9a-f]{64}$/);
      expect((await client.execInSandbox('synced', ['cat', 'input.txt'])).output).toBe('from the host\n');
      await client.execInSandbox('synced', ['sh', '-c', 'echo made in the sandbox > output.txt']);
      expect(await readFile(join(project, 'output.txt'), 'utf8')).toBe('made in the sandbox\n');
      await client.removeSandbox('synced');
    } finally {
      await server.stop();
      await home.cleanup();
    }
  });
});

describe('start-up cost', () => {
  it('loads Fastify only for serve', async () => {
    const home = await tempDir('serve-lazy');
    // A resolve hook that fails any import of fastify: --help must not notice it, serve must.
    const hook = join(home.path, 'no-fastify.mjs');
    await writeFile(
      hook,
      "import { register } from 'node:module';\n" +
        "register('data:text/javascript,' + encodeURIComponent(\"export async function resolve(s, c, n) { if (s === 'fastify') throw new Error('fastify was imported'); return n(s, c); }\"));\n",
    );
    try {
      const { execFile } = await import('node:child_process');
      const run = (args: string[]) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          execFile(
            process.execPath,
            ['--import', hook, CLI_BIN, ...args],
            { env: { ...process.env, AGENTKERNEL_HOME: home.path } },
            (error, _stdout, stderr) =>
              resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr }),
          );
        });
      expect((await run(['--help'])).code).toBe(0);
      expect((await run(['plugins', 'list'])).code).toBe(0);
      const served = await run(['serve', '-p', '0']);
      expect(served.code).not.toBe(0);
      expect(served.stderr).toContain('fastify was imported');
    } finally {
      await home.cleanup();
    }
  });
});
