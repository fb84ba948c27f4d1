import type { Argv } from 'yargs';

/** The options that shape a new sandbox, shared by `sandbox create` and `run`. */
export function withCreationOptions(yargs: Argv): Argv {
  return yargs
    .option('image', {
      type: 'string',
      requiresArg: true,
      describe: 'provider image or template (default: [sandbox] base_image, else the backend default)',
    })
    .option('vcpus', {
      type: 'number',
      requiresArg: true,
      describe: 'vCPUs to request (default: [resources] vcpus)',
    })
    .option('memory-mb', {
      type: 'number',
      requiresArg: true,
      describe: 'memory in MiB to request (default: [resources] memory_mb)',
    })
    .option('port', {
      type: 'number',
      requiresArg: true,
      array: true,
      describe: 'a port the sandbox will serve; repeat for several (default: [network] ports)',
    })
    .option('network', {
      type: 'boolean',
      describe: 'allow network access; --no-network cuts it off (default: [security] network, else on)',
    })
    .option('profile', {
      type: 'string',
      requiresArg: true,
      describe: 'a [remote.profiles.<name>] table to prepare the sandbox with',
    })
    .option('ttl', {
      type: 'string',
      requiresArg: true,
      describe:
        'how long the sandbox lives: 90s, 30m, 1h, 2d; 0 for no TTL (default: [sandbox] ttl). Once it passes, commands that use the sandbox refuse and sandbox gc removes it; E2B also ends it then',
    })
    .option('idle-timeout', {
      type: 'string',
      requiresArg: true,
      describe:
        "the provider's inactivity timeout, e.g. 15m (default: [sandbox] idle_timeout); what the provider then does (pause, stop, delete) is its own",
    })
    .option('label', {
      alias: 'l',
      type: 'string',
      requiresArg: true,
      array: true,
      describe: 'a label key=value, kept in state and tagged at the provider; repeat for several',
    })
    .option('mount-cwd', {
      type: 'boolean',
      describe: 'keep the project folder in step with /workspace (default: [security] mount_cwd)',
    });
}
