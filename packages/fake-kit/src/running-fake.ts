import { FaultInjector, type FaultSpec, type RandomFaults } from './faults.js';
import type { FakeRequestRecord } from './intake.js';

/** What every fake's `start` takes besides its provider's own settings. */
export interface FakeOptions {
  /** Where sandboxes and snapshots keep their files; a fresh temporary folder (removed on close) when absent. */
  readonly dataDir?: string;
  /** Added to every request, in milliseconds. */
  readonly latencyMs?: number;
  /** Faults armed from the start (more with {@link FaultControls.injectFault}). */
  readonly faults?: readonly FaultSpec[];
  /** Faults drawn at random from the start, e.g. `{ rate: 0.2 }` (as `serve.js --faults 0.2`). */
  readonly randomFaults?: RandomFaults;
}

/** What a fake does to the requests it gets: faults to draw, a log of them, latency to add. */
export interface FakeTraffic<Logged> {
  readonly faults: FaultInjector;
  /** Every request (or call), oldest first. */
  readonly log: Logged[];
  /** Added to every request, in milliseconds. */
  readonly latencyMs: number;
}

/** The {@link FakeTraffic} a fake's options ask for, with an empty log. */
export function fakeTraffic<Logged>(options: FakeOptions): FakeTraffic<Logged> {
  return {
    faults: new FaultInjector(options.faults, options.randomFaults),
    log: [],
    latencyMs: options.latencyMs ?? 0,
  };
}

/** How a test steers a running fake's faults. */
export interface FaultControls {
  /** Arms a fault for the next matching requests. */
  injectFault(fault: FaultSpec): void;
  /** Disarms every pending fault and stops drawing random ones. */
  clearFaults(): void;
  /** Draws faults at random from now on (undefined: stops). */
  setRandomFaults(random: RandomFaults | undefined): void;
}

/** The {@link FaultControls} of a fake whose requests take their faults from `faults`. */
export function faultControls(faults: FaultInjector): FaultControls {
  return {
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    setRandomFaults: (random) => faults.setRandom(random),
  };
}

/** What every running fake offers, with `Env`, the environment that points its provider's SDK at it. */
export interface RunningFake<Env> extends FaultControls {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly env: Env;
  readonly dataDir: string;
  /** Kills every command, stops the server and removes the data folder it created. */
  close(): Promise<void>;
}

/** A running fake of an HTTP API, which logs every request as a `Logged`. */
export interface HttpFake<
  Env,
  Logged extends FakeRequestRecord = FakeRequestRecord,
> extends RunningFake<Env> {
  /** The API key the fake accepts. */
  readonly apiKey: string;
  /** Every request received so far, oldest first. */
  requests(): readonly Logged[];
}

/** A fake of a provider whose sandboxes serve ports through an edge. */
export interface FakeEdge {
  /**
   * The provider's edge, without DNS: given an endpoint URL exactly as the backend hands it out, the
   * request goes to that port on 127.0.0.1, where a server in the sandbox listens (when the sandbox
   * may use the network). A plain function: pass it around unbound.
   */
  fetchEndpoint(url: string, init?: RequestInit): Promise<Response>;
}

/** What {@link summaryOf} gives for `Keys` of `T`. */
export type Summary<T, Keys extends readonly (keyof T)[]> = Readonly<Pick<T, Keys[number]>>;

/**
 * A copy of `record`'s `keys` for a test to look at (keys it lacks are left out): plain objects in it
 * are copied too, so that the test cannot change the fake's state through them.
 */
export function summaryOf<T extends object, K extends keyof T>(record: T, keys: readonly K[]): Pick<T, K> {
  const summary: Partial<Pick<T, K>> = {};
  for (const key of keys) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key];
    summary[key] = isPlainObject(value) ? { ...value } : value;
  }
  return summary as Pick<T, K>;
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
