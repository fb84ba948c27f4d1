import type * as JTomlModule from '@ltd/j-toml';
import { createRequire } from 'node:module';
import type { ConfigIssue } from '../errors/errors.js';
import { indexKeyLines, keyAtLine } from './lines.js';
import { readRemote } from './remote.js';
import { TOP_LEVEL_TABLES } from './schema.js';
import { readLocal, readNetwork, readPlugins, readResources, readSandbox, readSecurity } from './sections.js';
import { defaultConfig, type ConfigOrigin, type ParsedConfig } from './types.js';
import { IssueSink, readTable, type Table } from './values.js';

type JToml = typeof JTomlModule;
let jtoml: JToml | undefined;

// parseConfig is synchronous, so j-toml is loaded with require rather than import(); either way it is
// loaded on first use only, keeping it off the CLI's startup path.
function loadJToml(): JToml {
  jtoml ??= createRequire(import.meta.url)('@ltd/j-toml') as JToml;
  return jtoml;
}

export interface ParseConfigOptions {
  /**
   * `project` (the default): an `agentkernel.toml`, which anyone who commits to the project writes, so it
   * cannot waive isolation. `user`: the user-level config, of which only `[local]` is read.
   */
  origin?: ConfigOrigin;
}

/**
 * Parses and validates the text of an `agentkernel.toml` (TOML 1.0). Pure and never throws: every
 * problem is an error or a warning naming `file`, the line and the dotted key. Invalid values are
 * reported and replaced by their defaults.
 */
export function parseConfig(text: string, file: string, options: ParseConfigOptions = {}): ParsedConfig {
  const origin = options.origin ?? 'project';
  const config = defaultConfig();
  const source = text.replace(/^\uFEFF/, '');
  const parsed = parseToml(source, file);
  if ('error' in parsed) return { config, warnings: [], errors: [parsed.error], keyLines: {} };

  const sink = new IssueSink(file, indexKeyLines(source));
  for (const [key, value] of Object.entries(parsed.table)) {
    if (!(TOP_LEVEL_TABLES as readonly string[]).includes(key)) {
      const expected = TOP_LEVEL_TABLES.map((name) => `[${name}]`).join(', ');
      sink.warn([key], `unknown table (ignored); expected one of: ${expected}`);
      continue;
    }
    if (origin === 'user' && key !== 'local') {
      sink.warn(
        [key],
        'only [local] is read from the user-level config (ignored); put it in agentkernel.toml',
      );
      continue;
    }
    const table = readTable(sink, value, [key]);
    switch (key) {
      case 'sandbox':
        config.sandbox = readSandbox(sink, table);
        break;
      case 'resources':
        config.resources = readResources(sink, table);
        break;
      case 'security':
        config.security = readSecurity(sink, table, config.security);
        break;
      case 'network':
        config.network = readNetwork(sink, table);
        break;
      case 'remote':
        config.remote = readRemote(sink, table);
        break;
      case 'plugins':
        config.plugins = readPlugins(sink, table);
        break;
      case 'local':
        config.local = readLocal(sink, table, origin);
        break;
    }
  }
  return { config, warnings: sink.warnings, errors: sink.errors, keyLines: sink.lines };
}

function parseToml(source: string, file: string): { table: Table } | { error: ConfigIssue } {
  try {
    // Integers beyond what a number holds exactly come back as bigints, so the key that holds one is
    // named by the check of its value rather than lost in a syntax error.
    return { table: loadJToml().parse(source, { joiner: '\n', bigint: Number.MAX_SAFE_INTEGER }) };
  } catch (error) {
    return { error: syntaxIssue(error, source, file) };
  }
}

// j-toml puts the line in the message ("Duplicate property definition at line 3: x = 2"), followed by
// the offending source line, which is dropped: it may hold a secret.
const AT_LINE = /(?:,? which is found at|,? which started from| meet at| at) line (\d+)(?::[\s\S]*)?$/;

const OUT_OF_RANGE = /^Integer expect 64 bit range .*, not includes (\S+)$/;

function syntaxIssue(error: unknown, source: string, file: string): ConfigIssue {
  const text = error instanceof Error ? error.message : String(error);
  const match = AT_LINE.exec(text);
  const detail = (match ? text.slice(0, match.index) : text).trim();
  const range = OUT_OF_RANGE.exec(detail);
  const message =
    range === null
      ? `TOML syntax error: ${detail}`
      : `integer ${range[1]} is out of range (TOML integers are 64-bit; settings take at most ${Number.MAX_SAFE_INTEGER})`;
  if (match?.[1] === undefined) return { file, message };
  const line = Number(match[1]);
  // The source before the bad line is valid TOML, so its keys can still be indexed.
  const key = keyAtLine(indexKeyLines(source), line);
  return key === undefined ? { file, line, message } : { file, line, key, message };
}
