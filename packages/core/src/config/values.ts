import { AgentkernelError, type ConfigIssue } from '../errors/errors.js';
import { parseDuration } from '../lifetime/duration.js';
import { formatKeyPath, lineOf, type KeyLines } from './lines.js';
import { ENV_NAME_PATTERN } from './schema.js';

export type Table = Record<string, unknown>;

/** Collects errors and warnings, each placed at the line of its key. */
export class IssueSink {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];

  constructor(
    readonly file: string,
    readonly lines: KeyLines,
  ) {}

  /** `suffix` extends the displayed key without changing its line, e.g. `[2]` for an array item. */
  issue(path: readonly string[], message: string, suffix = ''): ConfigIssue {
    const line = lineOf(this.lines, path);
    const key = formatKeyPath(path) + suffix;
    return line === undefined ? { file: this.file, key, message } : { file: this.file, line, key, message };
  }

  error(path: readonly string[], message: string, suffix?: string): void {
    this.errors.push(this.issue(path, message, suffix));
  }

  warn(path: readonly string[], message: string, suffix?: string): void {
    this.warnings.push(this.issue(path, message, suffix));
  }
}

// j-toml's tables have a prototype of their own, and its dates are objects tagged `LocalDate`, etc.
export function isTable(value: unknown): value is Table {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** The TOML type of a value, for messages: `string`, `integer`, `float`, `boolean`, `array`, `table`, `date-time`. */
export function tomlType(value: unknown): string {
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value;
  if (Array.isArray(value)) return 'array';
  return isTable(value) ? 'table' : 'date-time';
}

/** `string "abc"`, `integer 70000`, `table`: the value is shown only when short and not secret. */
export function describe(value: unknown, secret = false): string {
  const type = tomlType(value);
  if (secret) return type;
  if (typeof value === 'string' && value.length <= 40) return `${type} ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return `${type} ${String(value)}`;
  return type;
}

/** Warns about every key of `table` not in `known`. */
export function warnUnknownKeys(
  sink: IssueSink,
  table: Table,
  path: readonly string[],
  known: readonly string[],
): void {
  for (const key of Object.keys(table)) {
    if (!known.includes(key)) {
      sink.warn([...path, key], `unknown key (ignored); expected one of: ${known.join(', ')}`);
    }
  }
}

/** A table-valued key; anything else is an error and reads as an empty table. */
export function readTable(sink: IssueSink, value: unknown, path: readonly string[]): Table {
  if (isTable(value)) return value;
  sink.error(path, `expected a table, got ${describe(value)}`);
  return {};
}

/** A non-empty string, or `undefined` when absent or invalid. */
export function readString(
  sink: IssueSink,
  table: Table,
  path: readonly string[],
  key: string,
  secret = false,
): string | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    sink.error([...path, key], `expected a string, got ${describe(value, secret)}`);
    return undefined;
  }
  if (value.trim() === '') {
    sink.error([...path, key], 'must not be empty');
    return undefined;
  }
  return value;
}

/** A duration string (`30m`, `1h`, `2d`; see `parseDuration`), in ms, or `undefined` when absent or invalid. */
export function readDuration(
  sink: IssueSink,
  table: Table,
  path: readonly string[],
  key: string,
): number | undefined {
  const text = readString(sink, table, path, key);
  if (text === undefined) return undefined;
  try {
    return parseDuration(text, '');
  } catch (error) {
    sink.error([...path, key], AgentkernelError.isInstance(error) ? error.detail : String(error));
    return undefined;
  }
}

export function readBoolean(
  sink: IssueSink,
  table: Table,
  path: readonly string[],
  key: string,
): boolean | undefined {
  const value = table[key];
  if (value === undefined || typeof value === 'boolean') return value;
  sink.error([...path, key], `expected true or false, got ${describe(value)}`);
  return undefined;
}

export function readInteger(
  sink: IssueSink,
  table: Table,
  path: readonly string[],
  key: string,
  min: number,
): number | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (typeof value === 'bigint') {
    sink.error([...path, key], `must be at most ${Number.MAX_SAFE_INTEGER}, got ${value}`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    sink.error([...path, key], `expected an integer, got ${describe(value)}`);
    return undefined;
  }
  if (value < min) {
    sink.error([...path, key], `must be at least ${min}, got ${value}`);
    return undefined;
  }
  return value;
}

export function readOneOf<T extends string>(
  sink: IssueSink,
  table: Table,
  path: readonly string[],
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = readString(sink, table, path, key);
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const quoted = allowed.map((item) => JSON.stringify(item));
  const expected = quoted.length > 2 ? `one of ${quoted.join(', ')}` : quoted.join(' or ');
  sink.error([...path, key], `must be ${expected}, got ${JSON.stringify(value)}`);
  return undefined;
}

/** An array of strings; with `single`, a lone string is accepted as a one-item list. */
export function readStringList(
  sink: IssueSink,
  table: Table,
  path: readonly string[],
  key: string,
  single = false,
): string[] | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (single && typeof value === 'string') return [value];
  const expected = single ? 'a string or an array of strings' : 'an array of strings';
  if (!Array.isArray(value)) {
    sink.error([...path, key], `expected ${expected}, got ${describe(value)}`);
    return undefined;
  }
  const items: string[] = [];
  value.forEach((item: unknown, index) => {
    if (typeof item === 'string') items.push(item);
    else sink.error([...path, key], `expected a string, got ${describe(item)}`, `[${index}]`);
  });
  return items;
}

/** A `*_env` key: a string that is a valid environment variable name. */
export function readEnvName(
  sink: IssueSink,
  table: Table,
  path: readonly string[],
  key: string,
): string | undefined {
  const value = readString(sink, table, path, key);
  if (value === undefined || ENV_NAME_PATTERN.test(value)) return value;
  sink.error(
    [...path, key],
    `${JSON.stringify(value)} is not a valid environment variable name (use letters, digits and "_", not starting with a digit)`,
  );
  return undefined;
}
