import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';

/** A ts-proto message codec, as the SDK's generated code defines them. */
export interface MessageCodec<T = Record<string, unknown>> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  fromPartial(object: Partial<T>): T;
}

/** One method of a ts-proto "generic definition" (what nice-grpc serves and the SDK calls). */
export interface MethodDefinition {
  readonly name: string;
  readonly requestType: MessageCodec;
  readonly requestStream: boolean;
  readonly responseType: MessageCodec;
  readonly responseStream: boolean;
  readonly options: object;
}

/** A ts-proto generic service definition. */
export interface ServiceDefinition {
  readonly name: string;
  readonly fullName: string;
  readonly methods: Readonly<Record<string, MethodDefinition>>;
}

/** What the fake takes from the installed SDK's own generated protocol code. */
export interface ModalProtocol {
  readonly version: string;
  /** `modal.client.ModalClient`, the control plane. */
  readonly ModalClientDefinition: ServiceDefinition;
  /** `modal.task_command_router.TaskCommandRouter`, each sandbox's data plane. */
  readonly TaskCommandRouterDefinition: ServiceDefinition;
  /** `google.rpc.Status` as the SDK decodes it from `grpc-status-details-bin`. */
  readonly RPCStatus: MessageCodec<{
    code: number;
    message: string;
    details: { typeUrl: string; value: Uint8Array }[];
  }>;
  /** The throttling hint the SDK honours inside that status. */
  readonly RPCRetryPolicy: MessageCodec<{ retryAfterSecs: number }>;
}

const EXPORTED = [
  'ModalClientDefinition',
  'TaskCommandRouterDefinition',
  'RPCStatus',
  'RPCRetryPolicy',
] as const;

let loaded: ModalProtocol | undefined;

/** The folder of the package that holds `file` (the nearest one with a package.json). */
function packageRoot(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no package.json above ${file}`);
}

/**
 * Loads the protocol definitions out of the installed `modal` SDK itself, so the fake encodes and
 * decodes exactly what that SDK does and can never drift from it. The SDK keeps its ts-proto codecs
 * private (its exports map has only `.`), so its CommonJS bundle is evaluated once more as Node would
 * load it (same file, same `require` for its dependencies), with one line appended that hands back
 * the module-scope definitions.
 */
export function loadModalProtocol(): ModalProtocol {
  if (loaded !== undefined) return loaded;
  // The CommonJS build, named by the SDK's own exports map (test runners may resolve `modal` to its ESM build).
  const root = packageRoot(createRequire(import.meta.url).resolve('modal'));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
    exports: { '.': { require: string } };
  };
  const version = manifest.version;
  const entry = join(root, manifest.exports['.'].require);
  const source = readFileSync(entry, 'utf8');
  const missing = EXPORTED.filter((name) => !new RegExp(`^var ${name} = `, 'm').test(source));
  if (missing.length > 0) {
    throw new Error(
      `the installed modal SDK ${version} (${entry}) has no ${missing.join(', ')}: the fake Modal supports modal@0.11.1`,
    );
  }
  const body = `${source}\nreturn { ${EXPORTED.join(', ')} };`;
  const evaluate = compileFunction(body, ['exports', 'require', 'module', '__filename', '__dirname'], {
    filename: entry,
  }) as (...args: unknown[]) => unknown;
  const module = { exports: {} };
  const definitions = evaluate(module.exports, createRequire(entry), module, entry, dirname(entry)) as Omit<
    ModalProtocol,
    'version'
  >;
  loaded = { version, ...definitions };
  return loaded;
}
