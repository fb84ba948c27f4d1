/** What an injected fault does to a request that matches it. */
export type FaultKind =
  /** Waits `delayMs` before handling the request normally. */
  | 'latency'
  /** Answers with `status` (429, 500, 503, ...) and an E2B-style JSON error, without handling the request. */
  | 'status'
  /** Destroys the connection before the request is handled: the provider never saw it. */
  | 'drop'
  /**
   * Handles the request, then destroys the connection instead of sending the response: the provider
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

interface ActiveFault {
  readonly spec: FaultSpec;
  remaining: number;
}

/** Keeps the injected faults and hands out the one, if any, that applies to a request. */
export class FaultInjector {
  private readonly faults: ActiveFault[] = [];
  private hits = 0;

  constructor(initial: readonly FaultSpec[] = []) {
    for (const spec of initial) this.add(spec);
  }

  add(spec: FaultSpec): void {
    this.faults.push({ spec, remaining: spec.times ?? 1 });
  }

  /** Removes every pending fault. */
  clear(): void {
    this.faults.length = 0;
  }

  /** How many requests a fault has been applied to so far. */
  get applied(): number {
    return this.hits;
  }

  /** The fault for this request (consuming one use of it), or undefined. */
  take(method: string, path: string): FaultSpec | undefined {
    const subject = `${method} ${path}`;
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      const { match } = fault.spec;
      const hit = typeof match === 'string' ? subject.includes(match) : match.test(subject);
      if (!hit) continue;
      fault.remaining -= 1;
      this.hits += 1;
      return fault.spec;
    }
    return undefined;
  }
}
