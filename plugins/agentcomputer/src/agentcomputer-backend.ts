import {
  BackendNotAvailableError,
  type Backend,
  type BackendContext,
  type BackendPlugin,
  type SandboxHandle,
} from '@agentkernel/core';
import { BACKEND_NAME } from './name.js';

/**
 * The AgentComputer backend has no live adapter yet: every operation fails with one typed error, so
 * nothing pretends to succeed and scripts get exit code 3 with a message that says what to use instead.
 */
class AgentcomputerBackend implements Backend {
  constructor(
    readonly plugin: BackendPlugin,
    private readonly context: BackendContext,
  ) {}

  async create(): Promise<SandboxHandle> {
    throw this.unavailable('create a sandbox');
  }

  async reconnect(): Promise<SandboxHandle> {
    throw this.unavailable('reconnect to a sandbox');
  }

  private unavailable(operation: string): BackendNotAvailableError {
    const others = this.context.otherBackends ?? [];
    const suggestion =
      others.length > 0
        ? `use one of the installed backends instead: ${others.map((name) => `-B ${name}`).join(', ')}`
        : 'install another backend, e.g. npm install @agentkernel/backend-e2b';
    return new BackendNotAvailableError(
      BACKEND_NAME,
      `cannot ${operation}: the agentcomputer live adapter is not available yet (this plugin is a stub that keeps the contract's shape)`,
      { hint: suggestion },
    );
  }
}

/** Opens the stub backend for `plugin`: every operation fails with `BackendNotAvailableError`. */
export function createAgentcomputerBackend(context: BackendContext, plugin: BackendPlugin): Backend {
  return new AgentcomputerBackend(plugin, context);
}
