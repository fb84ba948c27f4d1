import type { FakeSandbox, FakeSandboxState } from './state.js';

const MAX_LIMIT = 100;

export interface ListQuery {
  readonly metadata: ReadonlyMap<string, string>;
  readonly states: ReadonlySet<FakeSandboxState>;
  readonly limit: number;
  readonly offset: number;
  readonly order: 'asc' | 'desc';
  readonly startedAfter: Date | undefined;
  readonly template: string | undefined;
}

/**
 * The SDK sends the metadata filter as a query string inside the query string: each key and value is
 * URI-encoded, the pairs are joined as `k=v&k=v`, and the whole is encoded once more as `metadata=`.
 */
function parseMetadata(raw: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (raw === null || raw === '') return out;
  for (const [key, value] of new URLSearchParams(raw))
    out.set(decodeURIComponent(key), decodeURIComponent(value));
  return out;
}

function decodeToken(token: string): number | undefined {
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
  return Number.isInteger(offset) && offset >= 0 ? offset : undefined;
}

/** Parses `GET /v2/sandboxes`' query; a string is the reason it is invalid. */
export function listQuery(url: URL): ListQuery | string {
  const params = url.searchParams;
  const states = new Set<FakeSandboxState>();
  for (const state of (params.get('state') ?? 'running,paused').split(',')) {
    if (state !== 'running' && state !== 'paused') return `unknown state "${state}"`;
    states.add(state);
  }
  const limit = Number(params.get('limit') ?? MAX_LIMIT);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    return `limit must be between 1 and ${MAX_LIMIT}`;
  const token = params.get('nextToken');
  const offset = token === null ? 0 : decodeToken(token);
  if (offset === undefined) return 'invalid nextToken';
  const order = params.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') return 'order must be asc or desc';
  const after = params.get('startedAfter');
  const startedAfter = after === null ? undefined : new Date(after);
  if (startedAfter !== undefined && Number.isNaN(startedAfter.getTime()))
    return 'startedAfter must be an RFC 3339 time';
  return {
    metadata: parseMetadata(params.get('metadata')),
    states,
    limit,
    offset,
    order,
    startedAfter,
    template: params.get('template') ?? undefined,
  };
}

/** One page of the sandboxes matching `query`, and the token of the next page when there is one. */
export function pageOf(
  sandboxes: readonly FakeSandbox[],
  query: ListQuery,
): { items: FakeSandbox[]; nextToken?: string } {
  const matching = sandboxes.filter(
    (sandbox) =>
      query.states.has(sandbox.state) &&
      [...query.metadata].every(([key, value]) => sandbox.metadata[key] === value) &&
      (query.startedAfter === undefined || sandbox.startedAt >= query.startedAfter) &&
      (query.template === undefined ||
        sandbox.templateID === query.template ||
        sandbox.alias === query.template),
  );
  const direction = query.order === 'asc' ? 1 : -1;
  matching.sort(
    (a, b) =>
      direction * (a.startedAt.getTime() - b.startedAt.getTime()) || a.sandboxID.localeCompare(b.sandboxID),
  );
  const items = matching.slice(query.offset, query.offset + query.limit);
  const next = query.offset + query.limit;
  return next < matching.length
    ? { items, nextToken: Buffer.from(String(next)).toString('base64url') }
    : { items };
}
