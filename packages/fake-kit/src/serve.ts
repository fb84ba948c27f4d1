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
  --help                 print this`;

/** Parses a fake's `serve.js` arguments. */
export function parseServeArgs(argv: readonly string[]): ServeArgs & { readonly help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        faults: { type: 'string' },
        'fault-kinds': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean' },
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
  return { faults, help: values.help === true };
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
