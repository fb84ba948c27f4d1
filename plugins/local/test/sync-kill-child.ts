// Run by sync-kill.test.ts in its own process: pulls a workspace and reports progress on stdout, so
// the test can SIGKILL it in the middle of a transfer.
import { pullWorkspace, type SandboxRef } from '@agentkernel/core';
import { createLocalBackend, localPlugin } from '@agentkernel/backend-local';

const [dataDir, refJson, localDir, manifestFile] = process.argv.slice(2) as [string, string, string, string];
const backend = createLocalBackend({ dataDir }, localPlugin);
const handle = await backend.reconnect(JSON.parse(refJson) as SandboxRef);
let reported = 0;
await pullWorkspace({
  handle,
  localDir,
  workspaceDir: '/workspace',
  manifestFile,
  onProgress: ({ phase, bytesDone }) => {
    if (phase === 'download' && bytesDone - reported >= 1 << 20) {
      reported = bytesDone;
      process.stdout.write(`progress ${bytesDone}\n`);
    }
  },
});
process.stdout.write('done\n');
