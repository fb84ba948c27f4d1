/**
 * agentkernel's own commands (AGENTKERNEL.md section 1) that this tool does not have, so that asking for
 * one says so instead of "Unknown argument". Those this tool gains later drop out of the lists by
 * themselves: only the ones missing from the command tree are reported.
 */
export const AGENTKERNEL_TOP_LEVEL: readonly string[] = [
  'setup',
  'status',
  'init',
  'mcp-server',
  'serve',
  'agents',
  'daemon',
  'audit',
  'replay',
  'session',
  'ssh',
  'template',
  'secret',
  'volume',
  'images',
  'llm',
  'receipt',
  'pipeline',
  'parallel',
  'build',
  'stats',
  'benchmark',
];

export const AGENTKERNEL_SANDBOX: readonly string[] = [
  'export',
  'export-config',
  'import-config',
  'extend-ttl',
  'exec-list',
  'exec-logs',
  'exec-kill',
  'gc',
  'clean',
];

/** agentkernel's older spellings (its JAN release) and synonyms, and what they are here. */
export const RENAMED: Readonly<Record<string, string>> = {
  create: 'sandbox create',
  start: 'sandbox start',
  stop: 'sandbox stop',
  remove: 'sandbox remove',
  list: 'sandbox list',
  cp: 'sandbox cp',
  plugin: 'plugins',
  completions: 'completion',
  'sandbox resume': 'sandbox start',
  'sandbox ps': 'sandbox list',
  'snapshot create': 'snapshot take',
};

/**
 * Commands that destroy or stop something: never proposed for a word we do not know, since a typo
 * must not lead anyone to run one. They are suggested only when named as a renamed spelling.
 */
export const DESTRUCTIVE: ReadonlySet<string> = new Set([
  'remove',
  'rm',
  'delete',
  'stop',
  'exec-kill',
  'gc',
  'clean',
]);
