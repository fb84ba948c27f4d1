import { setTimeout as sleep } from 'node:timers/promises';
import {
  dropConnection,
  sendReply,
  swallowResponse,
  type FakeHttpRequest,
  type FakeHttpResponse,
  type Reply,
} from './http.js';

/** What an injected fault does to a request that matches it. */
export type FaultKind =
  /** Waits `delayMs` before handling the request normally. */
  | 'latency'
  /** Answers with `status` (429, 500, 503, ...) and the provider's error body, without handling the request. */
  | 'status'
  /** Drops the connection before the request is handled: the provider never saw it. */
  | 'drop'
  /**
   * Handles the request, then drops the connection instead of sending the response: the provider
   * acted (a sandbox was created) but the client never hears about it.
   */
  | 'drop-response';

/** One fault rule: applies to the next `times` requests whose method and path match. */
export interface FaultSpec {
  readonly kind: FaultKind;
  /** Matches `"<METHOD> <path>"` (e.g. `POST /v2/sandboxes`); a string matches as a substring. */
  readonly match: string | RegExp;
  /** How many matching requests the fault applies to; 1 by default. */
  readonly times?: number;
  /** The HTTP status of a `status` fault; 500 by default. */
  readonly status?: number;
  /** Adds a `Retry-After: <seconds>` header to a `status` fault. */
  readonly retryAfterSeconds?: number;
  /** The delay of a `latency` fault, in milliseconds. */
  readonly delayMs?: number;
}

/** The fault names `serve --fault-kinds` and {@link RandomFaults} take. */
export const FAULT_NAMES = ['latency', '429', '500', '503', 'drop', 'drop-response'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** Faults drawn at random: each request gets one with probability `rate`. */
export interface RandomFaults {
  /** The share of requests that get a fault, from 0 to 1. */
  readonly rate: number;
  /** The kinds drawn from, evenly; all of {@link FAULT_NAMES} by default. */
  readonly kinds?: readonly FaultName[];
  /** `Math.random` by default; pass `seededRandom(seed)` for a fault sequence that can be replayed. */
  readonly random?: () => number;
  /** The delay of a `latency` fault; 200 ms by default. */
  readonly latencyMs?: number;
  /** Which requests may get one (`"<METHOD> <path>"`); all by default. */
  readonly match?: (subject: string) => boolean;
}

const DEFAULT_LATENCY_MS = 200;

/** The {@link FaultSpec} a fault name stands for. */
export function faultOf(
  name: FaultName,
  match: string | RegExp = '',
  latencyMs = DEFAULT_LATENCY_MS,
): FaultSpec {
  switch (name) {
    case 'latency':
      return { kind: 'latency', match, delayMs: latencyMs };
    case 'drop':
    case 'drop-response':
      return { kind: name, match };
    default:
      return { kind: 'status', match, status: Number(name) };
  }
}

interface ActiveFault {
  readonly spec: FaultSpec;
  remaining: number;
}

/** Keeps a fake's injected faults and hands out the one, if any, that applies to a request. */
export class FaultInjector {
  private readonly faults: ActiveFault[] = [];
  private randomFaults: RandomFaults | undefined;

  constructor(initial: readonly FaultSpec[] = [], random?: RandomFaults) {
    for (const spec of initial) this.add(spec);
    this.setRandom(random);
  }

  /** Arms a fault for the next `times` matching requests. */
  add(spec: FaultSpec): void {
    this.faults.push({ spec, remaining: spec.times ?? 1 });
  }

  /** Draws faults at random from now on (or stops, given undefined). */
  setRandom(random: RandomFaults | undefined): void {
    if (random !== undefined && !(random.rate >= 0 && random.rate <= 1))
      throw new RangeError(`a fault rate is between 0 and 1, not ${random.rate}`);
    this.randomFaults = random;
  }

  /** Removes every pending fault and stops drawing random ones. */
  clear(): void {
    this.faults.length = 0;
    this.randomFaults = undefined;
  }

  /** The fault for this request (consuming one use of an armed one), or undefined. */
  take(method: string, path: string): FaultSpec | undefined {
    const subject = `${method} ${path}`;
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      const { match } = fault.spec;
      const hit = typeof match === 'string' ? subject.includes(match) : match.test(subject);
      if (!hit) continue;
      fault.remaining -= 1;
      return fault.spec;
    }
    return this.draw(subject);
  }

  private draw(subject: string): FaultSpec | undefined {
    const random = this.randomFaults;
    if (random === undefined || random.rate === 0) return undefined;
    if (random.match !== undefined && !random.match(subject)) return undefined;
    const next = random.random ?? Math.random;
    if (next() >= random.rate) return undefined;
    const kinds = random.kinds ?? FAULT_NAMES;
    const name = kinds[Math.min(kinds.length - 1, Math.floor(next() * kinds.length))];
    return name === undefined ? undefined : faultOf(name, subject, random.latencyMs);
  }
}

/** How a fake answers a `status` fault, in its provider's error format. */
export type FaultReply = (
  res: FakeHttpResponse,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>>,
) => void;

/** The {@link FaultReply} that sends what `error` makes of the fault, in the provider's error format. */
export function faultReplyOf(
  error: (status: number, message: string, headers: Record<string, string>) => Reply,
): FaultReply {
  return (res, status, message, headers) => sendReply(res, error(status, message, { ...headers }));
}

/**
 * Applies a fault to a request before the fake handles it. Returns `true` when the fault answered (or
 * dropped) the request, so the fake must not handle it; `false` when it must go on (after a latency,
 * or with its response to be swallowed).
 */
export async function applyFault(
  fault: FaultSpec | undefined,
  req: FakeHttpRequest,
  res: FakeHttpResponse,
  reply: FaultReply,
): Promise<boolean> {
  if (fault === undefined) return false;
  switch (fault.kind) {
    case 'latency':
      await sleep(fault.delayMs ?? 0);
      return false;
    case 'drop':
      dropConnection(req);
      return true;
    case 'drop-response':
      swallowResponse(req, res);
      return false;
    case 'status': {
      const status = fault.status ?? 500;
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      reply(res, status, status === 429 ? 'rate limit exceeded' : 'injected server error', headers);
      return true;
    }
  }
}
