// Push and pull after a one-file edit in a 5,000-file, 100 MB workspace, against a full push and a
// full pull of the same workspace in the same run (DESIGN.md section 11: bytes under the file's size
// plus 64 KiB, time under 5% of the full transfer).
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pullWorkspace, pushWorkspace } from '@agentkernel/core';
import type { BenchResult } from './run.js';
import { generateWorkspace, localSandbox, MB, random, runIfMain, text, timed } from './lib/sync-bench.js';

export default async function syncIncremental(): Promise<BenchResult> {
  const sandbox = await localSandbox('bench-sync');
  try {
    const localDir = join(sandbox.home, 'project');
    await mkdir(localDir);
    const { textFiles, bytes } = await generateWorkspace(localDir);
    const options = { handle: sandbox.handle, localDir, workspaceDir: '/workspace', manifestFile: join(sandbox.home, 'state', 'sync.json') };

    const fullPush = await timed(() => pushWorkspace(options));
    // A second no-op push warms the caches the way every later sync finds them.
    const noop = await timed(() => pushWorkspace(options));
    const edited = textFiles[1234] as string;
    await writeFile(join(localDir, edited), text(random(7), 10_050));
    const editedSize = (await stat(join(localDir, edited))).size;
    const onePush = await timed(() => pushWorkspace(options));

    const freshDir = join(sandbox.home, 'fresh');
    await mkdir(freshDir);
    const fullPull = await timed(() => pullWorkspace({ ...options, localDir: freshDir, manifestFile: join(sandbox.home, 'state', 'fresh.json') }));
    const remoteEdited = textFiles[4321] as string;
    const edit = await sandbox.handle.exec(['sh', '-c', 'printf "// edited in the sandbox\\n" >> "$1"', 'sh', remoteEdited], { cwd: '/workspace' });
    if (edit.exitCode !== 0) throw new Error(`editing in the sandbox failed: ${edit.stderr.toString()}`);
    const remoteSize = (await stat(join(localDir, remoteEdited))).size + 25;
    const onePull = await timed(() => pullWorkspace(options));

    if (onePush.result.filesSent !== 1 || onePull.result.filesReceived !== 1) {
      throw new Error(`expected one file each way, sent ${onePush.result.filesSent} and received ${onePull.result.filesReceived}`);
    }
    const budgetBytes = (size: number) => size + 64 * 1024;
    return {
      name: 'sync-incremental',
      description: `5,000 files, ${(bytes / MB).toFixed(1)} MB (half text, half incompressible), local backend`,
      figures: [
        { name: 'full push', value: fullPush.ms, unit: 'ms' },
        { name: 'full push bytes sent', value: fullPush.result.bytesSent / MB, unit: 'MB' },
        { name: 'no-op push', value: noop.ms, unit: 'ms', baseline: { name: 'full push', value: fullPush.ms } },
        {
          name: 'push after a one-file edit: bytes sent',
          value: onePush.result.bytesSent,
          unit: 'bytes',
          baseline: { name: 'full push', value: fullPush.result.bytesSent },
          budget: { description: `under the file's size plus 64 KiB (${budgetBytes(editedSize)})`, met: onePush.result.bytesSent < budgetBytes(editedSize) },
        },
        {
          name: 'push after a one-file edit: time',
          value: onePush.ms,
          unit: 'ms',
          baseline: { name: 'full push', value: fullPush.ms },
          budget: { description: `under 5% of the full push (${(fullPush.ms * 0.05).toFixed(1)} ms)`, met: onePush.ms < fullPush.ms * 0.05 },
        },
        { name: 'full pull', value: fullPull.ms, unit: 'ms' },
        { name: 'full pull bytes received', value: fullPull.result.bytesReceived / MB, unit: 'MB' },
        {
          name: 'pull after a one-file edit: bytes received',
          value: onePull.result.bytesReceived,
          unit: 'bytes',
          baseline: { name: 'full pull', value: fullPull.result.bytesReceived },
          budget: { description: `under the file's size plus 64 KiB (${budgetBytes(remoteSize)})`, met: onePull.result.bytesReceived < budgetBytes(remoteSize) },
        },
        {
          name: 'pull after a one-file edit: time',
          value: onePull.ms,
          unit: 'ms',
          baseline: { name: 'full pull', value: fullPull.ms },
          budget: { description: `under 5% of the full pull (${(fullPull.ms * 0.05).toFixed(1)} ms)`, met: onePull.ms < fullPull.ms * 0.05 },
        },
      ],
      notes: ['each sync of the local backend runs at least one bubblewrap exec (the listing), about 90 ms on this machine'],
    };
  } finally {
    await sandbox.cleanup();
  }
}

await runIfMain(import.meta.url, syncIncremental);
