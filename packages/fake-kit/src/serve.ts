import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { FAULT_NAMES, type FaultName, type RandomFaults } from './faults.js';
import { seededRandom } from './ids.js';

/** What `serve --faults <rate> --fault-kinds <list> --seed <n>` asks for; no faults when `rate` is 0. */
export interface ServeArgs {
  readonly faults: RandomFaults | undefined;
}

/** A bad command line of a fake's `serve.js`, with what was wrong. */
export class ServeUsageError extends Error {
  override readonly name = 'ServeUsageError';
}

export const SERVE_USAGE = `options:
  --faults <rate>        inject a fault into this share of requests, from 0 to 1 (e.g. 0.2)
  --fault-kinds <list>   comma-separated, from: ${FAULT_NAMES.join(', ')} (all by default)
  --seed <n>             draw the faults from a seeded generator, to replay a run exactly
  --export               run in the background and print "export K=V" lines instead of JSON, for
                         eval "$(node serve.js --export)"; a comment line says how to stop it
  --help                 print this`;

/** Parses a fake's `serve.js` arguments. */
export function parseServeArgs(
  argv: readonly string[],
): ServeArgs & { readonly help: boolean; readonly export: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        faults: { type: 'string' },
        'fault-kinds': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean' },
        export: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new ServeUsageError((error as Error).message);
  }
  const rate = values.faults === undefined ? 0 : Number(values.faults);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1 || values.faults?.trim() === '')
    throw new ServeUsageError(
      `--faults takes a rate from 0 to 1 (e.g. 0.2), not ${JSON.stringify(values.faults)}`,
    );
  const kinds = values['fault-kinds']?.split(',').map((kind) => kind.trim());
  for (const kind of kinds ?? []) {
    if (!(FAULT_NAMES as readonly string[]).includes(kind))
      throw new ServeUsageError(
        `--fault-kinds: unknown kind ${JSON.stringify(kind)}; kinds are ${FAULT_NAMES.join(', ')}`,
      );
  }
  if (kinds !== undefined && values.faults === undefined)
    throw new ServeUsageError('--fault-kinds needs --faults <rate>');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new ServeUsageError(`--seed takes an integer, not ${JSON.stringify(values.seed)}`);
  const faults: RandomFaults | undefined =
    rate === 0
      ? undefined
      : {
          rate,
          ...(kinds === undefined ? {} : { kinds: kinds as FaultName[] }),
          ...(seed === undefined ? {} : { random: seededRandom(seed) }),
        };
  return { faults, help: values.help === true, export: values.export === true };
}

/** A value quoted for a POSIX shell: single quotes, each `'` in it written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** `export K='V'` lines of an environment, for `eval`. Names that are not shell names are refused. */
export function exportLines(env: object): string {
  return Object.entries(env)
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`not a shell variable name: ${key}`);
      return `export ${key}=${shellQuote(String(value))}\n`;
    })
    .join('');
}

/**
 * `--export`: starts this same `serve.js` without it as a detached process, waits for its JSON line and
 * prints it as `export` lines, then leaves it running and exits, so `eval "$(serve.js --export)"` (which
 * waits for every writer of its pipe) returns.
 */
async function exportInBackground(name: string, argv: readonly string[]): Promise<void> {
  const script = process.argv[1];
  if (script === undefined) throw new Error('cannot tell which serve.js runs');
  const child = spawn(process.execPath, [script, ...argv.filter((arg) => arg !== '--export')], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await new Promise<string | undefined>((resolve) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => resolve(undefined));
  });
  if (line === undefined) {
    process.stderr.write(`${name}: the fake did not start: ${stderr}`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(
    `${exportLines(JSON.parse(line) as object)}# ${name} runs as process ${child.pid}; stop it with: kill ${child.pid}\n`,
  );
  child.stdout.destroy();
  child.stderr.destroy();
  child.unref();
}

/** A started fake, as {@link serveFake} runs it. */
export interface ServedFake {
  /** The environment that points the provider's SDK (and agentkernel) at the fake. */
  readonly env: object;
  close(): Promise<void>;
}

/**
 * The main of a fake's `serve.js`: parses `--faults`, `--fault-kinds` and `--seed`, starts the fake,
 * prints one JSON line with its environment on stdout, and runs until SIGINT or SIGTERM, when it closes
 * the fake (killing every command it ran) and exits. A bad command line exits 2 with the reason.
 */
export async function serveFake(
  name: string,
  start: (args: ServeArgs) => Promise<ServedFake>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  let args;
  try {
    args = parseServeArgs(argv);
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n${SERVE_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    process.stdout.write(
      `serve.js: starts an offline ${name} on a free local port and prints its environment as one JSON line\n${SERVE_USAGE}\n`,
    );
    return;
  }
  if (args.export) return exportInBackground(name, argv);
  // Under --export nobody reads our output after the JSON line: a closed pipe must not end the fake.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const fake = await start({ faults: args.faults });
  process.stdout.write(`${JSON.stringify(fake.env)}\n`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    fake.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${name}: could not close cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
