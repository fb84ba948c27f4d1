import { registerSecret } from '../errors/redactor.js';

/**
 * One variable a plugin reads, and the other names agentkernel (its config mapping, `provider_bridge_env`
 * in `src/backend/remote.rs`) or its bundled bridge (the lowercase aliases) put the same value under.
 */
export interface BridgeEnvVar {
  /** The name our plugin reads. */
  readonly name: string;
  /** Other names of the same value, most preferred first; used only when {@link name} is unset. */
  readonly aliases: readonly string[];
  readonly secret: boolean;
}

/** Per provider: what agentkernel passes to its bridge, mapped onto what our plugins read. */
export const BRIDGE_ENV: Readonly<Record<string, readonly BridgeEnvVar[]>> = {
  daytona: [
    { name: 'DAYTONA_API_KEY', aliases: ['daytona_api_key'], secret: true },
    { name: 'DAYTONA_API_URL', aliases: ['daytona_api_url'], secret: false },
    {
      name: 'DAYTONA_ORGANIZATION_ID',
      aliases: ['DAYTONA_ORG_ID', 'daytona_organization_key', 'daytona_org_id'],
      secret: false,
    },
    { name: 'DAYTONA_TARGET', aliases: ['daytona_target'], secret: false },
  ],
  e2b: [
    { name: 'E2B_API_KEY', aliases: ['E2B_key', 'e2b_api_key'], secret: true },
    { name: 'E2B_API_URL', aliases: ['e2b_api_url'], secret: false },
  ],
  runloop: [
    { name: 'RUNLOOP_API_KEY', aliases: ['runloop_api_key'], secret: true },
    { name: 'RUNLOOP_BASE_URL', aliases: ['runloop_base_url'], secret: false },
  ],
  modal: [
    { name: 'MODAL_TOKEN_ID', aliases: ['modal_token_id'], secret: true },
    { name: 'MODAL_TOKEN_SECRET', aliases: ['modal_token_secret'], secret: true },
    // agentkernel maps `base_url` to MODAL_ENDPOINT; our Modal plugin reads MODAL_SERVER_URL.
    { name: 'MODAL_SERVER_URL', aliases: ['MODAL_ENDPOINT', 'modal_endpoint'], secret: false },
    { name: 'MODAL_APP_NAME', aliases: ['modal_app_name'], secret: false },
    { name: 'MODAL_ENVIRONMENT', aliases: ['modal_environment'], secret: false },
  ],
};

/**
 * Variables whose values agentkernel's bridge scrubs from its messages, whichever provider is asked:
 * the bridge masks them too, so a key of one provider never leaks through another's error.
 */
export const BRIDGE_SECRET_ENV: readonly string[] = [
  ...new Set([
    ...Object.values(BRIDGE_ENV).flatMap((vars) =>
      vars.filter((v) => v.secret).flatMap((v) => [v.name, ...v.aliases]),
    ),
    'AGENTKERNEL_API_KEY',
    'AGENTCOMPUTER_API_KEY',
  ]),
];

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment a bridge operation opens its backend with: `env` plus, for each variable of every
 * provider left unset, the first set alias. Exported canonical names always win. `env` is not changed.
 */
export function bridgeEnvironment(env: Env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const vars of Object.values(BRIDGE_ENV)) {
    for (const variable of vars) {
      if (out[variable.name]) continue;
      const alias = variable.aliases.find((name) => out[name]);
      if (alias !== undefined) out[variable.name] = out[alias];
    }
  }
  return out;
}

/** Registers every provider secret present in `env` with the redactor, under any of its names. */
export function registerBridgeSecrets(env: Env): void {
  for (const name of BRIDGE_SECRET_ENV) registerSecret(env[name]);
}
