// The fake against the real, pinned SDK (and, where the SDK hides it, the raw wire): what Daytona's
// clients rely on must hold byte for byte.
import { Daytona, type Sandbox } from '@daytonaio/sdk';
import busboy from 'busboy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFakeDaytona, type FakeDaytona } from '../src/testing/index.js';

let fake: FakeDaytona;
let daytona: Daytona;
let sandbox: Sandbox;

beforeAll(async () => {
  fake = await startFakeDaytona();
  daytona = new Daytona({
    apiKey: fake.apiKey,
    apiUrl: fake.apiUrl,
    target: 'us',
    useDeprecatedPolling: true,
  });
  sandbox = await daytona.create({ envVars: { GREETING: 'hi' }, labels: { suite: 'wire' } });
});
afterAll(async () => {
  await daytona[Symbol.asyncDispose]();
  await fake.close();
});

const auth = (): Record<string, string> => ({ authorization: `Bearer ${fake.apiKey}` });

describe('the fake Daytona on the wire', () => {
  it('refuses a request without the API key, as the API does (401 JSON)', async () => {
    const response = await fetch(`${fake.apiUrl}/sandbox`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401, message: 'Invalid API key' });
  });

  it('streams session logs over a WebSocket in binary frames marked 01 01 01 / 02 02 02', async () => {
    await sandbox.process.createSession('wire');
    const { cmdId } = await sandbox.process.executeSessionCommand('wire', {
      command: 'echo out-$GREETING; echo err >&2',
      runAsync: true,
    });
    const url = `${fake.url.replace(/^http/, 'ws')}/toolbox/${sandbox.id}/process/session/wire/command/${cmdId}/logs?follow=true`;
    const frames: { binary: boolean; data: Buffer }[] = [];
    const code = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(url, { headers: auth() });
      socket.on('message', (data: Buffer, binary) => frames.push({ binary, data }));
      socket.on('close', resolve);
      socket.on('error', reject);
    });
    expect(code).toBe(1000);
    expect(frames.every((frame) => frame.binary)).toBe(true);
    const log = Buffer.concat(frames.map((frame) => frame.data));
    const out = Buffer.concat([Buffer.from([1, 1, 1]), Buffer.from('out-hi\n')]);
    const err = Buffer.concat([Buffer.from([2, 2, 2]), Buffer.from('err\n')]);
    expect([Buffer.concat([out, err]), Buffer.concat([err, out])].some((order) => order.equals(log))).toBe(
      true,
    );
    // The SDK demultiplexes the same stream, and the command record has the exit code.
    let stdout = '';
    let stderr = '';
    await sandbox.process.getSessionCommandLogs(
      'wire',
      cmdId,
      (text) => (stdout += text),
      (text) => (stderr += text),
    );
    expect({ stdout, stderr }).toEqual({ stdout: 'out-hi\n', stderr: 'err\n' });
    expect((await sandbox.process.getSessionCommand('wire', cmdId)).exitCode).toBe(0);
    await sandbox.process.deleteSession('wire');
  });

  it('marks output line by line as the daemon does (a last line without newline gets one)', async () => {
    await sandbox.process.createSession('lines');
    const result = await sandbox.process.executeSessionCommand('lines', { command: "printf 'a\\nb'" });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'a\nb\n', stderr: '' });
    await sandbox.process.deleteSession('lines');
  });

  it('bulk-downloads as multipart parts named file or error, filenames exactly as asked', async () => {
    const name = '/workspace/wire dir/ünï "q".bin';
    await sandbox.fs.uploadFile(Buffer.from([0, 1, 2, 255]), name);
    const response = await fetch(`${fake.url}/toolbox/${sandbox.id}/files/bulk-download`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ paths: [name, '/workspace/missing'] }),
    });
    const type = response.headers.get('content-type') ?? '';
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    const parts: { field: string; filename: string; body: Buffer }[] = [];
    await new Promise<void>((resolve, reject) => {
      const parser = busboy({ headers: { 'content-type': type }, preservePath: true });
      parser.on('file', (field, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () =>
          parts.push({ field, filename: info.filename ?? '', body: Buffer.concat(chunks) }),
        );
      });
      parser.on('close', resolve);
      parser.on('error', reject);
      void response.arrayBuffer().then((body) => parser.end(Buffer.from(body)), reject);
    });
    expect(parts.map((part) => [part.field, part.filename])).toEqual([
      ['file', name],
      ['error', '/workspace/missing'],
    ]);
    expect(parts[0]?.body.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect(JSON.parse(parts[1]?.body.toString() ?? '')).toMatchObject({
      statusCode: 404,
      code: 'FILE_NOT_FOUND',
    });
    const [got, missing] = await sandbox.fs.downloadFiles([
      { source: name },
      { source: '/workspace/missing' },
    ]);
    expect(got?.result).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(missing?.error).toContain('not found');
  });

  it('runs /process/execute without a shell: the command is only quote-split', async () => {
    const split = await sandbox.process.executeCommand('printf "%s|" "a  b" $HOME');
    expect(split).toMatchObject({ exitCode: 0, result: 'a  b|$HOME|' });
    await expect(sandbox.process.executeCommand('true; exit 3')).rejects.toMatchObject({ statusCode: 400 });
  });

  it('gives a PTY over a WebSocket: connected, output, then the exit code', async () => {
    let output = '';
    const pty = await sandbox.process.createPty({
      id: 'wire-pty',
      cols: 100,
      rows: 30,
      onData: (data) => {
        output += Buffer.from(data).toString();
      },
    });
    await pty.sendInput('stty size; exit 7\n');
    const { exitCode } = await pty.wait();
    expect(exitCode).toBe(7);
    expect(output).toContain('30 100');
  });

  it('serves previews: public or with the token header, and through a signed URL', async () => {
    const link = await sandbox.getPreviewLink(9);
    expect((await fetch(link.url)).status).toBe(401);
    // Nothing listens there: the proxy answers 502 once the token is right.
    expect((await fetch(link.url, { headers: { 'x-daytona-preview-token': link.token } })).status).toBe(502);
    const signed = await sandbox.getSignedPreviewUrl(9, 60);
    expect((await fetch(signed.url)).status).toBe(502);
    expect((await fetch(`${fake.url}/preview/signed/not-a-token`)).status).toBe(401);
  });

  it('refuses toolbox calls to a stopped sandbox and keeps its files for the next start', async () => {
    await sandbox.fs.uploadFile(Buffer.from('kept'), '/workspace/kept.txt');
    await sandbox.stop();
    expect(sandbox.state).toBe('stopped');
    await expect(sandbox.fs.downloadFile('/workspace/kept.txt')).rejects.toMatchObject({ statusCode: 400 });
    await sandbox.start();
    expect((await sandbox.fs.downloadFile('/workspace/kept.txt')).toString()).toBe('kept');
  });
});
