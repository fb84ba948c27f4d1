import type { Handler, HandlerName } from './commands/types.js';

type HandlerModule = { default: Handler };

// One static import() per module, so the build resolves each and nothing loads before its command runs.
const modules: Readonly<Record<HandlerName, () => Promise<HandlerModule>>> = {
  'sandbox-create': () => import('./handlers/sandbox-create.js'),
  'sandbox-list': () => import('./handlers/sandbox-list.js'),
  'sandbox-info': () => import('./handlers/sandbox-info.js'),
  'sandbox-start': () => import('./handlers/sandbox-start.js'),
  'sandbox-stop': () => import('./handlers/sandbox-stop.js'),
  'sandbox-remove': () => import('./handlers/sandbox-remove.js'),
  'sandbox-cp': () => import('./handlers/sandbox-cp.js'),
  'sandbox-exec-list': () => import('./handlers/sandbox-exec-list.js'),
  'sandbox-exec-logs': () => import('./handlers/sandbox-exec-logs.js'),
  'sandbox-exec-kill': () => import('./handlers/sandbox-exec-kill.js'),
  'sandbox-extend-ttl': () => import('./handlers/sandbox-extend-ttl.js'),
  'sandbox-gc': () => import('./handlers/sandbox-gc.js'),
  exec: () => import('./handlers/exec.js'),
  attach: () => import('./handlers/attach.js'),
  run: () => import('./handlers/run.js'),
  'plugins-list': () => import('./handlers/plugins-list.js'),
  'plugins-info': () => import('./handlers/plugins-info.js'),
  'config-show': () => import('./handlers/config-show.js'),
  'config-validate': () => import('./handlers/config-validate.js'),
  doctor: () => import('./handlers/doctor.js'),
  version: () => import('./handlers/version.js'),
  sync: () => import('./handlers/sync.js'),
  'snapshot-take': () => import('./handlers/snapshot-take.js'),
  'snapshot-list': () => import('./handlers/snapshot-list.js'),
  'snapshot-restore': () => import('./handlers/snapshot-restore.js'),
  'snapshot-delete': () => import('./handlers/snapshot-delete.js'),
  serve: () => import('./handlers/serve.js'),
  completion: () => import('./handlers/completion.js'),
};

export async function loadHandler(name: HandlerName): Promise<Handler> {
  return (await modules[name]()).default;
}
