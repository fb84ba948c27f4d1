import { setTimeout as sleep } from 'node:timers/promises';
import { applyFault, type FaultInjector, type FaultReply, type FaultSpec } from './faults.js';
import type { FakeHttpRequest, FakeHttpResponse } from './http.js';

/** One request a fake received, as its `requests()` lists them. */
export interface FakeRequestRecord {
  readonly method: string;
  readonly path: string;
  /** The fault applied to it, if any. */
  readonly fault?: FaultSpec['kind'];
}

/** How a fake takes in its requests; `Logged` is what it records of each. */
export interface IntakeOptions<Logged extends FakeRequestRecord = FakeRequestRecord> {
  readonly faults: FaultInjector;
  /** Receives every request, oldest first. */
  readonly log: Logged[];
  /** Added to every request, in milliseconds. */
  readonly latencyMs?: number;
  /** What the fake records of a request besides its method, path and fault. */
  readonly details?: (req: FakeHttpRequest) => Omit<Logged, keyof FakeRequestRecord>;
}

/** A request taken in: its method, its URL (parsed against a placeholder origin) and its fault, if any. */
export interface Intake {
  readonly method: string;
  readonly url: URL;
  readonly fault: FaultSpec | undefined;
}

/** Takes a request in: draws its fault, records it and waits the fake's latency. */
export async function intake<Logged extends FakeRequestRecord>(
  req: FakeHttpRequest,
  options: IntakeOptions<Logged>,
): Promise<Intake> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const fault = options.faults.take(method, url.pathname);
  options.log.push({
    method,
    path: url.pathname,
    ...options.details?.(req),
    ...(fault === undefined ? {} : { fault: fault.kind }),
  } as Logged);
  if ((options.latencyMs ?? 0) > 0) await sleep(options.latencyMs);
  return { method, url, fault };
}

/**
 * {@link intake}, then the request's fault applied (see {@link applyFault}), a `status` fault answered
 * by `faultReply`. Undefined when the fault answered or dropped the request, so the fake must not handle it.
 */
export async function admit<Logged extends FakeRequestRecord>(
  req: FakeHttpRequest,
  res: FakeHttpResponse,
  options: IntakeOptions<Logged> & { readonly faultReply: FaultReply },
): Promise<Omit<Intake, 'fault'> | undefined> {
  const { method, url, fault } = await intake(req, options);
  return (await applyFault(fault, req, res, options.faultReply)) ? undefined : { method, url };
}
