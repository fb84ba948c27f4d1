// Run by the sync-kill tests in its own process: syncs a workspace one way and reports progress on
// stdout, so the test can SIGKILL it in the middle of a transfer.
import { pullWorkspace, pushWorkspace, type SandboxRef } from '@agentkernel/core';
import { createLocalBackend, localPlugin } from '@agentkernel/backend-local';

const [direction, dataDir, refJson, localDir, manifestFile] = process.argv.slice(2) as [
  'push' | 'pull',
  string,
  string,
  string,
  string,
];
const backend = createLocalBackend({ dataDir }, localPlugin);
const handle = await backend.reconnect(JSON.parse(refJson) as SandboxRef);
let reported = 0;
process.stdout.write('ready\n');
await (direction === 'push' ? pushWorkspace : pullWorkspace)({
  handle,
  localDir,
  workspaceDir: '/workspace',
  manifestFile,
  onProgress: ({ phase, bytesDone }) => {
    if ((phase === 'download' || phase === 'upload') && bytesDone - reported >= 1 << 20) {
      reported = bytesDone;
      process.stdout.write(`progress ${bytesDone}\n`);
    }
  },
});
process.stdout.write('done\n');
