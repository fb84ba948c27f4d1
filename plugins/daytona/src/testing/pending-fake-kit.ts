// TEMPORARY: the pieces of a provider fake that @agentkernel/fake-kit will provide (fault injection,
// ids, JSON replies). Replaced by imports from it as soon as it lands on main.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What an injected fault does to a request that matches it. */
export type FaultKind = 'latency' | 'status' | 'drop' | 'drop-response';

/** One fault rule: applies to the next `times` requests whose `"<METHOD> <path>"` matches. */
export interface FaultSpec {
  readonly kind: FaultKind;
  readonly match: string | RegExp;
  readonly times?: number;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly delayMs?: number;
}

/** Keeps armed faults, plus an optional rate of random ones, and hands out the one for a request. */
export class FaultInjector {
  private readonly faults: { spec: FaultSpec; remaining: number }[] = [];

  constructor(
    initial: readonly FaultSpec[] = [],
    private readonly rate = 0,
    private readonly random: () => number = Math.random,
  ) {
    for (const spec of initial) this.add(spec);
  }

  add(spec: FaultSpec): void {
    this.faults.push({ spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  take(method: string, path: string): FaultSpec | undefined {
    const subject = `${method} ${path}`;
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      const { match } = fault.spec;
      if (typeof match === 'string' ? !subject.includes(match) : !match.test(subject)) continue;
      fault.remaining -= 1;
      return fault.spec;
    }
    if (this.rate <= 0 || this.random() >= this.rate) return undefined;
    const kinds: FaultSpec[] = [
      { kind: 'status', status: 429, match: subject },
      { kind: 'status', status: 500, match: subject },
      { kind: 'status', status: 503, match: subject },
      { kind: 'drop', match: subject },
      { kind: 'drop-response', match: subject },
      { kind: 'latency', delayMs: 200, match: subject },
    ];
    return kinds[Math.floor(this.random() * kinds.length)];
  }
}

/** A random lower-case hex token. */
export const randomToken = (bytes = 16): string => randomBytes(bytes).toString('hex');

/** An answer of a fake's HTTP API. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers).end(text);
}

export async function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON object body; an empty body is `{}`; undefined when it is not a JSON object. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const raw = (await readBody(req)).toString('utf8').trim();
  if (raw === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Makes every later answer on `res` destroy the connection instead: the request acted, the client never hears. */
export function swallowResponse(req: IncomingMessage, res: ServerResponse): void {
  const drop = (): ServerResponse => {
    req.socket.destroy();
    return res;
  };
  Object.assign(res, {
    writeHead: drop,
    flushHeaders: drop,
    write: () => {
      drop();
      return false;
    },
    end: drop,
  });
}
