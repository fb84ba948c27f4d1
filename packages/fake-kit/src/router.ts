import FindMyWay from 'find-my-way';
import type { FakeHttpRequest, FakeHttpResponse, Reply } from './http.js';

/** What a route handler gets: the exchange, the parsed URL and the path's parameters (decoded). */
export interface RouteRequest {
  readonly req: FakeHttpRequest;
  readonly res: FakeHttpResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Answers a request: a {@link Reply} to send, or `undefined` when the handler wrote the response itself
 * (a stream, a download). `Extra` is what the fake adds to every request (its state, the sandbox found).
 */
export type RouteHandler<Extra = object> = (
  request: RouteRequest & Extra,
) => Reply | undefined | Promise<Reply | undefined>;

/** The outcome of {@link FakeRouter.route}. */
export type RouteMatch<Extra> =
  | { readonly handler: RouteHandler<Extra>; readonly params: Readonly<Record<string, string>> }
  /** No route for this method; `allowed` lists the methods that have one for this path (empty: none). */
  | { readonly handler?: undefined; readonly allowed: readonly string[] };

/** How {@link FakeRouter.dispatch} answers a request no route takes, in the provider's error format. */
export interface RouteMisses {
  readonly error: (status: number, message: string) => Reply;
  /** What a 404 says; `no route for <METHOD> <path>` by default. */
  readonly notFound?: (method: string, path: string) => string;
}

/** One exchange to route: the request, its response, its method and its parsed URL. */
export interface RouteExchange {
  readonly req: FakeHttpRequest;
  readonly res: FakeHttpResponse;
  readonly method: string;
  readonly url: URL;
}

type Method = Parameters<FindMyWay.Instance<FindMyWay.HTTPVersion.V1>['find']>[0];

/**
 * A fake's routes, matched by find-my-way's radix tree: `on('GET', '/sandboxes/:id', handler)`. Paths
 * take find-my-way's syntax (`:param`, `*`, `:id(^\\d+)`); parameters are URI-decoded.
 */
export class FakeRouter<Extra = object> {
  private readonly tree = FindMyWay({ ignoreTrailingSlash: true });
  private readonly methods = new Set<Method>();

  on(method: string | readonly string[], path: string, handler: RouteHandler<Extra>): this {
    const methods = (typeof method === 'string' ? [method] : [...method]) as Method[];
    for (const one of methods) this.methods.add(one);
    // find-my-way's own handler is never called: route() hands back the stored handler instead.
    this.tree.on(methods, path, () => undefined, handler);
    return this;
  }

  /** The handler for `method` and `path` (no query string), or the methods allowed there. */
  route(method: string, path: string): RouteMatch<Extra> {
    const found = this.tree.find(method as Method, path);
    if (found !== null) {
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(found.params)) if (value !== undefined) params[key] = value;
      return { handler: found.store as RouteHandler<Extra>, params };
    }
    const allowed = [...this.methods].filter((other) => this.tree.find(other, path) !== null);
    return { allowed };
  }

  /**
   * Runs the handler of the exchange's route with `extra`; a path without routes answers 404, a
   * method not routed on the path 405.
   */
  async dispatch(
    { req, res, method, url }: RouteExchange,
    extra: Extra,
    misses: RouteMisses,
  ): Promise<Reply | undefined> {
    const found = this.route(method, url.pathname);
    if (found.handler !== undefined) return found.handler({ req, res, url, params: found.params, ...extra });
    if (found.allowed.length > 0) return misses.error(405, `${method} is not allowed on ${url.pathname}`);
    const notFound = misses.notFound ?? ((verb, path) => `no route for ${verb} ${path}`);
    return misses.error(404, notFound(method, url.pathname));
  }
}

/**
 * Route handlers on the one record a path's `:id` names: `find` looks it up, and when there is none the
 * route answers `missing(id)`, the provider's 404.
 */
export function onRecord<Extra, Found>(
  find: (id: string, request: RouteRequest & Extra) => Found | undefined | Promise<Found | undefined>,
  missing: (id: string) => Reply,
): (handler: (found: Found, request: RouteRequest & Extra) => Reply | Promise<Reply>) => RouteHandler<Extra> {
  return (handler) => async (request) => {
    const id = request.params.id ?? '';
    const found = await find(id, request);
    return found === undefined ? missing(id) : handler(found, request);
  };
}
