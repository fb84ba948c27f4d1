// Run by sync-memory.ts in its own process, so that process's peak RSS is the sync's alone:
// `<push|pull|idle> <dataDir> <sandbox ref JSON> <localDir> <manifestFile>`; prints one JSON line.
import { pullWorkspace, pushWorkspace, type SandboxRef } from '@agentkernel/core';
import { createLocalBackend, localPlugin } from '@agentkernel/backend-local';

const [action, dataDir, refJson, localDir, manifestFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const backend = createLocalBackend({ dataDir }, localPlugin);
const handle = await backend.reconnect(JSON.parse(refJson) as SandboxRef);
const options = { handle, localDir, workspaceDir: '/workspace', manifestFile };
const started = performance.now();
const report =
  action === 'push'
    ? await pushWorkspace(options)
    : action === 'pull'
      ? await pullWorkspace(options)
      : undefined;
process.stdout.write(
  `${JSON.stringify({
    maxRssKb: process.resourceUsage().maxRSS,
    ms: performance.now() - started,
    files: report ? report.filesSent + report.filesReceived : 0,
    bytes: report ? report.bytesSent + report.bytesReceived : 0,
  })}\n`,
);
