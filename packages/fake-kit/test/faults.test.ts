import { describe, expect, it } from 'vitest';
import { FaultInjector, faultOf, faultReplyOf, seededRandom } from '../src/index.js';

describe('FaultInjector', () => {
  it('applies an armed fault to the next matching requests only, as many times as asked', () => {
    const faults = new FaultInjector([
      { kind: 'status', status: 503, match: 'POST /v2/sandboxes', times: 2 },
    ]);
    expect(faults.take('GET', '/v2/sandboxes')).toBeUndefined();
    expect(faults.take('POST', '/v2/sandboxes')?.status).toBe(503);
    expect(faults.take('POST', '/v2/sandboxes')?.status).toBe(503);
    expect(faults.take('POST', '/v2/sandboxes')).toBeUndefined();
  });

  it('matches regular expressions against "METHOD path"', () => {
    const faults = new FaultInjector([{ kind: 'drop', match: /^DELETE \/sandboxes\/[^/]+$/ }]);
    expect(faults.take('DELETE', '/sandboxes/a/b')).toBeUndefined();
    expect(faults.take('DELETE', '/sandboxes/abc')?.kind).toBe('drop');
  });

  it('draws random faults at about the given rate, only of the given kinds, replayable from a seed', () => {
    const draw = (seed: number) => {
      const faults = new FaultInjector([], { rate: 0.2, kinds: ['429', 'drop'], random: seededRandom(seed) });
      return Array.from({ length: 2000 }, (_, i) => faults.take('GET', `/r/${i}`));
    };
    const first = draw(7);
    const hits = first.filter((fault) => fault !== undefined);
    expect(hits.length).toBeGreaterThan(320);
    expect(hits.length).toBeLessThan(480);
    expect(new Set(hits.map((fault) => fault?.status ?? fault?.kind))).toEqual(new Set([429, 'drop']));
    expect(draw(7)).toEqual(first);
    expect(draw(8)).not.toEqual(first);
  });

  it('draws no fault for requests the match function excludes, and none after clear()', () => {
    const faults = new FaultInjector([], { rate: 1, match: (subject) => subject.startsWith('POST') });
    expect(faults.take('GET', '/x')).toBeUndefined();
    expect(faults.take('POST', '/x')).toBeDefined();
    faults.clear();
    expect(faults.take('POST', '/x')).toBeUndefined();
  });

  it('refuses a rate outside 0..1', () => {
    expect(() => new FaultInjector([], { rate: 1.5 })).toThrow(/between 0 and 1/);
  });

  it('maps fault names to specs', () => {
    expect(faultOf('500')).toMatchObject({ kind: 'status', status: 500 });
    expect(faultOf('latency', '', 50)).toMatchObject({ kind: 'latency', delayMs: 50 });
    expect(faultOf('drop-response')).toMatchObject({ kind: 'drop-response' });
  });
});

describe('faultReplyOf', () => {
  it("sends a status fault in the provider's error format, with the fault's headers", () => {
    const sent: unknown[] = [];
    const res = {
      writeHead: (status: number, headers: Record<string, string>) => sent.push(status, headers),
      end: (text: string) => sent.push(JSON.parse(text)),
    };
    const reply = faultReplyOf((status, message, headers) => ({
      status,
      body: { code: status, message },
      headers,
    }));
    reply(res as never, 429, 'rate limit exceeded', { 'retry-after': '2' });
    expect(sent[0]).toBe(429);
    expect(sent[1]).toMatchObject({ 'retry-after': '2', 'content-type': 'application/json' });
    expect(sent[2]).toEqual({ code: 429, message: 'rate limit exceeded' });
  });
});
