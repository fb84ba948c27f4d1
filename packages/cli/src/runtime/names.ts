import { basename } from 'node:path';
import { fitName, isValidSandboxName, UsageError, validateSandboxName } from '@agentkernel/core';

/**
 * The name of a new sandbox: the one given, else `[sandbox] name`, else the project folder's name made
 * valid (`My Project!` becomes `My-Project`), so `sandbox create` in a project just works.
 */
export function newSandboxName(
  given: string | undefined,
  configured: string | undefined,
  projectRoot: string,
): string {
  if (given !== undefined) return validateSandboxName(given);
  if (configured !== undefined) return configured;
  const derived = fitName(
    basename(projectRoot)
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, ''),
  );
  if (isValidSandboxName(derived)) return derived;
  throw new UsageError(`cannot make a sandbox name from the folder name "${basename(projectRoot)}"`, {
    hint: 'name it: agentkernel sandbox create NAME (or set [sandbox] name in agentkernel.toml)',
  });
}
