import { UsageError } from '@agentkernel/core';

/** Parses repeated `-e K=V` flags. A value may contain `=`; the name must be a valid variable name. */
export function parseEnvPairs(pairs: readonly string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(
        `-e ${JSON.stringify(pair)}: write NAME=VALUE with NAME made of letters, digits and _`,
      );
    }
    if (eq === -1)
      throw new UsageError(`-e ${JSON.stringify(pair)}: missing "=VALUE" (use ${name}= for an empty value)`);
    env[name] = pair.slice(eq + 1);
  }
  return env;
}

/**
 * The command of `exec`/`run`: the words after `--` (main puts one before the command's first word when
 * the user did not), else the positional words.
 */
export function commandArgv(args: { readonly cmd?: unknown; readonly '--'?: unknown }): string[] {
  const words = [...asStrings(args.cmd), ...asStrings(args['--'])];
  if (words.length === 0) {
    throw new UsageError('no command given, e.g. agentkernel exec demo ls -la');
  }
  return words;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** `--timeout` seconds to milliseconds; refuses zero, negatives and non-numbers. */
export function timeoutMs(seconds: unknown): number | undefined {
  if (seconds === undefined) return undefined;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--timeout ${JSON.stringify(seconds)}: give a number of seconds greater than 0`);
  }
  return Math.round(seconds * 1000);
}
