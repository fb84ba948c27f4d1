import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { commandTree } from '../src/commands/index.js';
import {
  complete,
  type CompletionContext,
  type CompletionOptionTable,
  type NameSource,
} from '../src/completion/complete.js';
import { completionScript } from '../src/completion/scripts.js';
import { main } from '../src/main.js';
import { captureIo } from './capture.js';

const NAMES: Record<string, string[]> = {
  sandbox: ['demo', 'demo-2', 'web'],
  snapshot: ['demo-20260101'],
  backend: ['e2b', 'local'],
};
const asked: string[] = [];
const names: NameSource = async (source) => {
  asked.push(source);
  return NAMES[source] ?? [];
};

/** Global options shaped as main declares them (a value flag, an alias, choices, a boolean). */
async function context(): Promise<CompletionContext> {
  const parser = yargs()
    .option('config', { alias: 'c', type: 'string', requiresArg: true })
    .option('backend', { alias: 'B', type: 'string', requiresArg: true })
    .option('isolation', { type: 'string', choices: ['bubblewrap', 'none'], requiresArg: true })
    .option('json', { type: 'boolean', default: false });
  const globals = (parser as unknown as { getOptions(): CompletionOptionTable }).getOptions();
  return { tree: commandTree(() => () => undefined), globals, names };
}

const words = async (...typed: string[]) =>
  (await complete(typed, await context())).map((candidate) => candidate.word);

describe('complete', () => {
  it('offers command words with their descriptions', async () => {
    const found = await complete(['sa'], await context());
    expect(found).toEqual([
      { word: 'sandbox', description: 'create, inspect, start, stop, remove sandboxes and copy files' },
    ]);
  });

  it('skips global options and their values before the command', async () => {
    expect(await words('-c', 'sandbox', 'sn')).toEqual(['snapshot']);
    expect(await words('--config', 'x.toml', '--json', 'sandbox', 'in')).toEqual(['info']);
    expect(await words('-B', 'e2b', 'sandbox', 'info', 'we')).toEqual(['web']);
  });

  it('offers values of the option before the cursor: choices, backends, else nothing', async () => {
    expect(await words('--isolation', '')).toEqual(['bubblewrap', 'none']);
    expect(await words('sandbox', 'create', '-B', '')).toEqual(['e2b', 'local']);
    expect(await words('exec', '-w', '')).toEqual([]);
    expect(await words('sync', 'push', '--prefer', '')).toEqual(['local', 'remote']);
  });

  it('completes --option=value as one word (zsh, fish) and as bash splits it at =', async () => {
    expect(await words('sandbox', 'create', '--backend=e')).toEqual(['--backend=e2b']);
    expect(await words('--isolation=')).toEqual(['--isolation=bubblewrap', '--isolation=none']);
    expect(await words('--backend', '=', '')).toEqual(['e2b', 'local']);
    expect(await words('--backend', '=', 'e2b', 'sandbox', 'info', 'w')).toEqual(['web']);
    expect(await words('--json=')).toEqual([]);
  });

  it('offers flags, never positional names as flags', async () => {
    const create = await words('sandbox', 'create', '--');
    expect(create).toContain('--publish');
    expect(create).toContain('--no-start');
    expect(create).not.toContain('--name');
    expect(await words('exec', '-')).toEqual(expect.arrayContaining(['-w', '-e', '--workdir', '-B']));
  });

  it('reads names only for the slot being completed', async () => {
    asked.length = 0;
    expect(await words('sandbox', 'cp', '')).toEqual([]);
    expect(await words('sandbox', 'exec-logs', 'demo', '')).toEqual([]);
    expect(asked).toEqual([]);
    expect(await words('sandbox', 'exec-logs', 'de')).toEqual(['demo', 'demo-2']);
    expect(await words('snapshot', 'delete', '')).toEqual(['demo-20260101']);
    expect(asked).toEqual(['sandbox', 'snapshot']);
  });

  it('completes nothing once the sandbox command starts, or after --', async () => {
    expect(await words('exec', 'demo', 'ls', '-')).toEqual([]);
    expect(await words('run', 'echo', '')).toEqual([]);
    expect(await words('exec', '--', 'de')).toEqual([]);
  });

  it('completes nothing for unknown or hostile words', async () => {
    expect(await words('nosuch', '')).toEqual([]);
    expect(await words('sandbox', 'nosuch', '')).toEqual([]);
    expect(await words('$(rm -rf /)', '')).toEqual([]);
    expect(await words('sandbox', 'info', 'd\u00e9mo\u0000')).toEqual([]);
    expect(await words('-B')).toEqual(['-B']);
  });
});

describe('agentkernel __complete and completion', () => {
  it('prints one word<TAB>description a line and exits 0', async () => {
    const capture = captureIo({ env: { AGENTKERNEL_HOME: '/nonexistent/agentkernel-home' } });
    const code = await main(['__complete', 'snapshot', ''], { io: capture.io });
    expect(code).toBe(0);
    expect(capture.stdout().split('\n')).toEqual([
      "take\tcapture a sandbox's /workspace as a portable snapshot (plus a native one when the backend has them)",
      'list\tlist snapshots',
      'restore\tcreate a running sandbox from a snapshot, on any backend',
      'delete\tdelete a snapshot (and its native copy at the provider, when there is one)',
      '',
    ]);
    expect(capture.stderr()).toBe('');
  });

  it('each script calls the data command and falls back to file names', () => {
    expect(completionScript('bash')).toContain('agentkernel __complete "${COMP_WORDS[@]:1:COMP_CWORD}"');
    expect(completionScript('bash')).toContain('complete -o default');
    expect(completionScript('zsh')).toContain('agentkernel __complete "${(@)words[2,CURRENT]}"');
    expect(completionScript('zsh')).toContain('_files');
    expect(completionScript('fish')).toContain('__fish_complete_path');
  });
});
