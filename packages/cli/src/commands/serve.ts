import type { CommandDef, LazyHandler } from './types.js';

export function serveCommands(lazy: LazyHandler): CommandDef[] {
  return [
    {
      command: 'serve',
      describe: "serve agentkernel's HTTP API (the agentkernel npm SDK works against it) on every backend",
      builder: (yargs) =>
        yargs
          .option('host', {
            alias: 'H',
            type: 'string',
            default: '127.0.0.1',
            requiresArg: true,
            describe: 'address to listen on; any but loopback needs an API key',
          })
          .option('port', {
            alias: 'p',
            type: 'number',
            default: 18888,
            requiresArg: true,
            describe: 'port to listen on (0 picks a free one)',
          })
          .option('api-key', {
            type: 'string',
            array: true,
            requiresArg: true,
            describe:
              'require Authorization: Bearer <key>; repeat for several keys (also AGENTKERNEL_API_KEY)',
          })
          .option('api-key-file', {
            type: 'string',
            requiresArg: true,
            describe: 'read API keys from this file, one a line',
          })
          .option('work-dir-root', {
            type: 'string',
            requiresArg: true,
            describe:
              'let clients create sandboxes synced with a host folder (work_dir) under this folder; off by default',
          })
          .example('$0 serve', 'http://127.0.0.1:18888, no key, new sandboxes on the default backend')
          .example('$0 serve -B e2b --api-key "$KEY"', 'new sandboxes on E2B, clients must send the key')
          .example('$0 serve -H 0.0.0.0 --api-key-file keys.txt', 'every address, keys from a file'),
      handler: lazy('serve'),
    },
  ];
}
