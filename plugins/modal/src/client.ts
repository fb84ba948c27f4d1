import type { Logger } from '@agentkernel/core';
import type * as Modal from 'modal';
import type { ModalSettings } from './options.js';

export type ModalModule = typeof Modal;

/**
 * Builds the SDK client. The SDK reads its server URL and sandbox version only from the environment (or
 * ~/.modal.toml) when a client is constructed: its `endpoint` parameter is never read. So the two are
 * set for the duration of the (synchronous) constructor and put back, leaving the process unchanged.
 * V2 sandboxes are always used: the `sb-` V1 path has other RPCs and is not what this backend speaks.
 */
export function createClient(sdk: ModalModule, settings: ModalSettings, logger: Logger): Modal.ModalClient {
  const overrides: Record<string, string | undefined> = {
    MODAL_SANDBOX_V2: '1',
    ...(settings.serverUrl === undefined ? {} : { MODAL_SERVER_URL: settings.serverUrl }),
  };
  const saved = Object.fromEntries(Object.keys(overrides).map((key) => [key, process.env[key]]));
  Object.assign(process.env, overrides);
  try {
    return new sdk.ModalClient({
      tokenId: settings.tokenId,
      tokenSecret: settings.tokenSecret,
      ...(settings.environment === undefined ? {} : { environment: settings.environment }),
      logger: sdkLogger(logger),
      logLevel: 'debug',
    });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** The SDK's logs (key/value pairs after the message) go to our logger at debug level, never to the console. */
function sdkLogger(logger: Logger): Modal.Logger {
  const line = (message: string, args: unknown[]): string => {
    const pairs: string[] = [];
    for (let index = 0; index + 1 < args.length; index += 2) {
      const value = args[index + 1];
      pairs.push(`${String(args[index])}=${value instanceof Error ? value.message : String(value)}`);
    }
    return `modal sdk: ${message}${pairs.length > 0 ? ` ${pairs.join(' ')}` : ''}`;
  };
  return {
    debug: (message, ...args) => logger.debug(line(message, args)),
    info: (message, ...args) => logger.debug(line(message, args)),
    warn: (message, ...args) => logger.debug(line(message, args)),
    error: (message, ...args) => logger.debug(line(message, args)),
  };
}
