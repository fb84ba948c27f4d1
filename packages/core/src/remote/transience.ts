/**
 * How a failed provider call bears on retrying it:
 * - `rejected`: the provider refused the request without acting on it (429, 503), so any call may be
 *   sent again;
 * - `ambiguous`: it may or may not have acted (another 5xx, a dropped connection, a request timeout), so
 *   only a call that is harmless to repeat is sent again;
 * - `final`: retrying cannot help (a 4xx, a bug, a missing sandbox).
 */
export type Transience = 'rejected' | 'ambiguous' | 'final';

/** A failure's {@link Transience}, and how long the provider asked to wait (`Retry-After`), if it did. */
export interface Classification {
  readonly transience: Transience;
  readonly retryAfterMs?: number;
}

/**
 * A provider's reading of its own SDK's errors: a {@link Transience} (or a full {@link Classification})
 * for the errors it recognises, `undefined` to fall back on {@link classifyTransport}.
 */
export type ErrorClassifier = (error: unknown) => Transience | Classification | undefined;

// undici, Node's net module and fetch word dropped connections in many ways, in message or code.
const DROPPED =
  /fetch failed|terminated|other side closed|socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|UND_ERR|network error|aborted by the server/i;

/** The error and its causes, outermost first (bounded: a cause chain may loop). */
export function causeChain(error: unknown): Error[] {
  const out: Error[] = [];
  for (let current = error; current instanceof Error && out.length < 8; current = current.cause)
    out.push(current);
  return out;
}

type Headerish = Headers | Readonly<Record<string, unknown>> | undefined;

function numberField(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** The HTTP status an SDK error carries as `status`, `statusCode` or `response.status`, if any. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  return numberField(fields.statusCode) ?? numberField(fields.status) ?? numberField(fields.response?.status);
}

function header(headers: Headerish, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
}

/**
 * Parses a `Retry-After` value (delay-seconds or an HTTP date) into milliseconds from `now`;
 * undefined when it is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The `Retry-After` an SDK error carries in `headers` or `response.headers`, in milliseconds. */
export function retryAfterOf(error: unknown): number | undefined {
  for (const current of causeChain(error)) {
    const fields = current as { headers?: Headerish; response?: { headers?: Headerish } };
    const value = header(fields.headers, 'retry-after') ?? header(fields.response?.headers, 'retry-after');
    const parsed = parseRetryAfter(value);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

/** The transience of an HTTP status: 429 and 503 were refused, other 5xx are ambiguous, the rest final. */
export function statusTransience(status: number): Transience {
  if (status === 429 || status === 503) return 'rejected';
  if (status >= 500 && status !== 501 && status !== 505) return 'ambiguous';
  if (status === 408) return 'ambiguous';
  return 'final';
}

/**
 * Classifies a failure as any HTTP client reports it, whatever the provider: an HTTP status on the error
 * (see {@link httpStatusOf}), a request timeout (a `TimeoutError` DOMException, as `AbortSignal.timeout`
 * raises), or a dropped connection anywhere in the cause chain. Everything else is `final`.
 */
export function classifyTransport(error: unknown): Transience {
  const errors = causeChain(error);
  const first = errors[0];
  if (first === undefined) return 'final';
  const status = httpStatusOf(first);
  if (status !== undefined) return statusTransience(status);
  if (first instanceof DOMException && first.name === 'TimeoutError') return 'ambiguous';
  const codes = errors.map((e) => (e as { code?: unknown }).code).filter((code) => typeof code === 'string');
  if (errors.some((e) => DROPPED.test(e.message)) || codes.some((code) => DROPPED.test(code)))
    return 'ambiguous';
  return 'final';
}

/** Classifies with the provider's classifier first, then generically; `Retry-After` is read either way. */
export function classify(error: unknown, classifier?: ErrorClassifier): Classification {
  const own = classifier?.(error);
  const found: Classification =
    own === undefined
      ? { transience: classifyTransport(error) }
      : typeof own === 'string'
        ? { transience: own }
        : own;
  if (found.retryAfterMs !== undefined) return found;
  const retryAfterMs = retryAfterOf(error);
  return retryAfterMs === undefined ? found : { ...found, retryAfterMs };
}
