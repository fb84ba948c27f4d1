import type { Handler } from '../commands/types.js';
import { describeEvent } from '../runtime/audit-view.js';
import { withRuntime } from '../runtime/runtime.js';
import { formatDuration } from '@agentkernel/core';
import {
  describeExpiry,
  describeLabels,
  formatInstant,
  sandboxEndpoints,
  sandboxView,
} from '../runtime/view.js';

const info: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const connected = await rt.connect(await rt.sandboxName(args.name, 'sandbox info'), {
      expired: 'allow',
    });
    const { record, backend, handle } = connected;
    const status = await handle.status();
    const capabilities = backend.plugin.capabilities;
    const endpoints = await sandboxEndpoints(connected, status);
    const recentActivity = await rt.state().audit.forSandbox(record.name, { last: RECENT_EVENTS });
    const view = {
      ...sandboxView(record, status),
      metadata: record.ref.metadata,
      endpoints,
      capabilities,
      recentActivity,
    };
    if (rt.out.json) return rt.out.printJson(view);
    const applied = (setting: string, value: string): string =>
      view.notApplied.includes(setting) ? `${value} (not applied by ${view.backend})` : value;
    const pairs: [string, string][] = [
      ['name', view.name],
      ['backend', `${view.backend} (${backend.plugin.version})`],
      ['status', view.status],
      ['id', view.id],
      ['created', formatInstant(view.createdAt)],
      ['image', applied('image', view.image ?? 'backend default')],
      ['vcpus', applied('vcpus', view.vcpus === null ? 'backend default' : String(view.vcpus))],
      ['memory', applied('memoryMb', view.memoryMb === null ? 'backend default' : `${view.memoryMb} MiB`)],
      ['network', view.network ? 'on' : 'off'],
      ['workspace', view.workspaceDir],
      ['synced with', view.mountCwd && view.projectDir ? view.projectDir : 'nothing (mount_cwd is off)'],
    ];
    if (view.profile) pairs.push(['profile', view.profile]);
    pairs.push([
      'expires',
      describeExpiry(view.expiresAt) +
        (view.expiresAt !== null && handle.setExpiry !== undefined
          ? `; ${view.backend} ends it then too`
          : ''),
    ]);
    if (view.idleTimeoutMs !== null)
      pairs.push(['idle timeout', applied('idleTimeoutMs', formatDuration(view.idleTimeoutMs))]);
    if (Object.keys(view.labels).length > 0) pairs.push(['labels', describeLabels(view.labels)]);
    for (const endpoint of endpoints) pairs.push([`port ${endpoint.port}`, endpoint.url]);
    if (endpoints.length === 0 && view.ports.length > 0) pairs.push(['ports', view.ports.join(', ')]);
    rt.out.pairs(pairs);
    if (recentActivity.length > 0) {
      rt.out.line('recent activity:');
      for (const entry of recentActivity)
        rt.out.line(`  ${formatInstant(entry.timestamp)}  ${describeEvent(entry)}`);
    }
  });

/** How many of the newest audit events `sandbox info` shows, as agentkernel does. */
const RECENT_EVENTS = 5;

export default info;
