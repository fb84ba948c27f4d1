// Shell completion, black-box: the scripts run in real bash, fish and zsh (zsh's completion widgets
// stubbed), and names come from state and discovery metadata only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentkernel, CLI_BIN, expectExit, tempDir } from './helpers.js';

const has = (shell: string): boolean => spawnSync(shell, ['-c', 'exit 0']).status === 0;
const SHELLS = { bash: has('bash'), zsh: has('zsh'), fish: has('fish') };
for (const [shell, present] of Object.entries(SHELLS))
  if (!present)
    console.warn(`SKIPPED: ${shell} is not installed; run scripts/setup.sh to test its completion`);

// A path plugin whose import leaves a mark: completion must name it without importing it.
const MARKED_PLUGIN = `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./imported.marker', import.meta.url), 'imported');
export const plugin = { specificationVersion: 'agentkernel-backend-v1', name: 'marked', version: '0.0.1' };
export default plugin;
`;

describe('agentkernel completion', () => {
  let home: Awaited<ReturnType<typeof tempDir>>;
  let project: string;
  let bin: string;
  const run = (...args: string[]) => agentkernel(args, { home: home.path, cwd: project });
  /** The candidates `__complete` prints for `words`, without their descriptions. */
  const words = async (...typed: string[]) =>
    (await run('__complete', ...typed)).stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split('\t')[0]);
  /** Runs a shell with the built CLI on the PATH as `agentkernel`, in the project folder. */
  const shell = (name: string, args: string[]) =>
    spawnSync(name, args, {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, AGENTKERNEL_HOME: home.path, NO_COLOR: '1' },
      timeout: 60_000,
    });

  beforeAll(async () => {
    home = await tempDir('completion');
    project = join(home.path, 'project');
    bin = join(home.path, 'bin');
    await mkdir(project);
    await mkdir(bin);
    await writeFile(join(bin, 'agentkernel'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_BIN}" "$@"\n`);
    await chmod(join(bin, 'agentkernel'), 0o755);
    await writeFile(join(project, 'marked.js'), MARKED_PLUGIN);
    await writeFile(join(project, 'agentkernel.toml'), '[plugins]\npaths = ["./marked.js"]\n');
    await writeFile(join(project, 'notes.txt'), 'a file to complete\n');
    expectExit('create', await run('sandbox', 'create', 'comp-one'), 0);
    expectExit('snapshot', await run('snapshot', 'take', 'comp-one', '--name', 'snap-a'), 0);
  });
  afterAll(async () => {
    await run('sandbox', 'remove', 'comp-one', '--force');
    await home.cleanup();
  });

  it('prints each shell script, and help for completion --help', async () => {
    const bash = expectExit('bash', await run('completion', 'bash'), 0);
    expect(bash.stdout).toContain('complete -o default -F _agentkernel_complete agentkernel');
    expect(expectExit('zsh', await run('completion', 'zsh'), 0).stdout).toMatch(/^#compdef agentkernel\n/);
    expect(expectExit('fish', await run('completion', 'fish'), 0).stdout).toContain(
      'complete -c agentkernel',
    );
    const help = expectExit('help', await run('completion', '--help'), 0);
    expect(help.stdout).toContain('agentkernel completion [shell]');
    expect(help.stdout).toContain('"bash", "zsh", "fish"');
    expect(help.stdout).not.toContain('complete -o');
  });

  it('refuses a shell it has no script for, and no shell at all, with exit 2', async () => {
    const tcsh = expectExit('tcsh', await run('completion', 'tcsh'), 2);
    expect(tcsh.stderr).toMatch(/Invalid values:[\s\S]*shell[\s\S]*tcsh/);
    expect(tcsh.stdout).toBe('');
    expect(expectExit('none', await run('completion'), 2).stderr).toContain('shell');
  });

  it('completes commands, subcommands and flags', async () => {
    expect(await words('')).toEqual(expect.arrayContaining(['sandbox', 'exec', 'snapshot', 'completion']));
    expect(await words('sn')).toEqual(['snapshot']);
    expect(await words('sandbox', '')).toEqual(expect.arrayContaining(['create', 'list', 'remove', 'cp']));
    expect(await words('sandbox', 'create', '--n')).toEqual(['--network', '--no-start']);
    expect(await words('exec', '--w')).toEqual(['--workdir']);
    expect(await words('--is')).toEqual(['--isolation']);
    expect(await words('--isolation', '')).toEqual(['bubblewrap', 'none']);
    expect(await words('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(await words('help', 'snapshot', 're')).toEqual(['restore']);
  });

  it('completes backend names after -B and --backend from discovery metadata, importing no plugin', async () => {
    expect(await words('-B', '')).toEqual(expect.arrayContaining(['local', 'marked']));
    expect(await words('sandbox', 'create', 'x', '--backend', 'ma')).toEqual(['marked']);
    expect(await words('plugins', 'info', '')).toEqual(expect.arrayContaining(['local', 'marked']));
    expect(existsSync(join(project, 'imported.marker'))).toBe(false);
  });

  it('completes sandbox and snapshot names from state', async () => {
    expect(await words('sandbox', 'info', '')).toEqual(['comp-one']);
    expect(await words('exec', 'comp', '')).toEqual([]);
    expect(await words('exec', 'co')).toEqual(['comp-one']);
    expect(await words('-q', 'sandbox', 'rm', '')).toEqual(['comp-one']);
    expect(await words('snapshot', 'restore', '')).toEqual(['snap-a']);
    expect(await words('snapshot', 'take', '')).toEqual(['comp-one']);
    // New names and the sandbox's own command complete nothing of ours (the shell offers files).
    expect(await words('sandbox', 'create', '')).toEqual([]);
    expect(await words('exec', 'comp-one', 'ls', '')).toEqual([]);
    expect(await words('exec', 'comp-one', '--', '-')).toEqual([]);
  });

  it('completes nothing, silently and with exit 0, for words it does not know or a broken state folder', async () => {
    const unknown = expectExit('unknown', await run('__complete', 'no-such-command', ''), 0);
    expect(unknown.stdout + unknown.stderr).toBe('');
    const broken = await agentkernel(['__complete', 'sandbox', 'info', ''], {
      home: join(project, 'notes.txt'),
      cwd: project,
    });
    expect(expectExit('broken home', broken, 0).stdout + broken.stderr).toBe('');
  });

  it.skipIf(!SHELLS.bash)('bash: the sourced script fills COMPREPLY from COMP_WORDS', () => {
    const script =
      'source <(agentkernel completion bash)\n' +
      'show() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _agentkernel_complete; printf "%s|" "${COMPREPLY[@]}"; echo; }\n' +
      'show agentkernel sandbox info ""\n' +
      'show agentkernel snap\n' +
      'show agentkernel -B ma\n' +
      'show agentkernel exec comp-one ""\n' +
      'show agentkernel --backend = mar\n' +
      'complete -p agentkernel\n';
    const result = shell('bash', ['-c', script]);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'comp-one|',
      'snapshot|',
      'marked|',
      // Nothing of ours: `complete -o default` lets bash offer file names.
      '|',
      // bash splits `--backend=mar` at the `=`.
      'marked|',
      'complete -o default -F _agentkernel_complete agentkernel',
      '',
    ]);
  });

  it.skipIf(!SHELLS.fish)(
    'fish: complete -C offers names with descriptions, and files after a sandbox',
    () => {
      const script =
        'agentkernel completion fish | source\n' +
        'complete -C "agentkernel sandbox info "\n' +
        'echo ==\n' +
        'complete -C "agentkernel snap"\n' +
        'echo ==\n' +
        'complete -C "agentkernel exec comp-one cat no"\n' +
        'echo ==\n' +
        'complete -C "agentkernel --backend=mar"\n';
      const result = shell('fish', ['--no-config', '-c', script]);
      expect(result.stderr).toBe('');
      expect(result.stdout.split('==\n')).toEqual([
        'comp-one\n',
        'snapshot\ttake, list, restore and delete portable snapshots of /workspace\n',
        'notes.txt\n',
        '--backend=marked\n',
      ]);
    },
  );

  it.skipIf(!SHELLS.zsh)(
    'zsh: _agentkernel hands _describe word:description pairs, and _files nothing else',
    () => {
      // Outside a completion widget compsys cannot run, so its two entry points print what they are given;
      // the function itself, the data command and zsh's parsing of its lines run for real.
      const script =
        'compdef() { print -r -- "compdef $*"; }\n' +
        'source <(agentkernel completion zsh)\n' +
        '_describe() { print -rl -- "${(@P)4}"; }\n' +
        '_files() { print -r -- "(files)"; }\n' +
        'show() { words=("$@"); CURRENT=$#; _agentkernel; print -- --; }\n' +
        'show agentkernel sandbox info ""\n' +
        'show agentkernel sn\n' +
        'show agentkernel exec comp-one ""\n' +
        'show agentkernel -B ma\n';
      const result = shell('zsh', ['-f', '-c', script]);
      expect(result.stderr).toBe('');
      expect(result.stdout.split('--\n')).toEqual([
        'compdef _agentkernel agentkernel\ncomp-one\n',
        'snapshot:take, list, restore and delete portable snapshots of /workspace\n',
        '(files)\n',
        'marked\n',
        '',
      ]);
    },
  );

  it.skipIf(!SHELLS.zsh)('zsh: the script parses, and registers its function with compinit', () => {
    const script =
      'autoload -U compinit && compinit -u -D\n' +
      'source <(agentkernel completion zsh)\n' +
      'print -r -- "${_comps[agentkernel]}"\n' +
      'whence -w _agentkernel\n';
    const result = shell('zsh', ['-f', '-c', script]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('_agentkernel\n_agentkernel: function\n');
  });
});
