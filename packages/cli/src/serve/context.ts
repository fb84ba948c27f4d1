import type { Runtime } from '../runtime/runtime.js';
import type { ServeOptions } from './options.js';

/** What every route shares: the one runtime of the server (config, plugins, opened backends, state). */
export interface ServeContext {
  readonly rt: Runtime;
  readonly options: ServeOptions;
  /** The backend of new sandboxes when a request names none: `-B`, else the config's, else `local`. */
  readonly defaultBackend: string;
}
