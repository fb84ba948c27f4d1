import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentkernelError, formatConfigIssue, inspectConfig, type LoadedConfig } from '@agentkernel/core';
import { credentialStates, describeCredential } from './credentials.js';
import { pluginView } from './plugin-view.js';
import type { Runtime } from './runtime.js';

export interface Finding {
  /** `skip`: a check that did not run (an online one without `--online`), and why. */
  readonly status: 'ok' | 'warn' | 'fail' | 'skip';
  readonly check: string;
  readonly detail: string;
  /** The exit code this failure maps to (2 config, 3 backend). */
  readonly code?: number;
}

export async function checkConfig(rt: Runtime): Promise<{ loaded: LoadedConfig; findings: Finding[] }> {
  // The remaining checks run on whatever was valid, so one bad key does not hide everything else.
  const { errors, ...loaded } = await inspectConfig(rt.configOptions());
  const findings: Finding[] = errors.map((issue) => ({
    status: 'fail',
    check: 'config',
    detail: formatConfigIssue(issue),
    code: 2,
  }));
  if (errors.length === 0)
    findings.push({
      status: 'ok',
      check: 'config',
      detail: loaded.file ?? 'no agentkernel.toml (defaults apply)',
    });
  for (const issue of loaded.warnings)
    findings.push({ status: 'warn', check: 'config', detail: formatConfigIssue(issue) });
  return { loaded, findings };
}

export async function checkHome(home: string): Promise<Finding> {
  const probe = join(home, `.doctor-${process.pid}`);
  try {
    await mkdir(home, { recursive: true, mode: 0o700 });
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
    return { status: 'ok', check: 'state folder', detail: `${home} (writable)` };
  } catch (error) {
    return {
      status: 'fail',
      check: 'state folder',
      detail: `${home} is not writable: ${String(error)}; set AGENTKERNEL_HOME to a writable folder`,
      code: 3,
    };
  }
}

export async function checkIsolation(loaded: LoadedConfig, usesLocal: boolean): Promise<Finding> {
  if (loaded.config.local.isolation === 'none') {
    return {
      status: 'warn',
      check: 'isolation',
      detail: `isolation "none", chosen by ${loaded.isolationChosenBy ?? 'you'}: local sandboxes run commands directly on this machine`,
    };
  }
  const { checkIsolation: probe } = await import('@agentkernel/core/isolation');
  const result = await probe();
  if (result.available) {
    const inForce = result.inForce === undefined ? '' : `: ${result.inForce.join('; ')}`;
    return {
      status: 'ok',
      check: 'isolation',
      detail: `bubblewrap works (${result.path ?? 'bwrap'})${inForce}`,
    };
  }
  return {
    status: usesLocal ? 'fail' : 'warn',
    check: 'isolation',
    detail: result.problem ?? 'bubblewrap is unavailable',
    code: 3,
  };
}

/** One finding per plugin, plus its credentials; problems of the default backend are failures. */
export async function checkPlugins(
  rt: Runtime,
  loaded: LoadedConfig,
  defaultBackend: string,
): Promise<Finding[]> {
  const discovery = await rt.discovery();
  const findings: Finding[] = discovery.warnings.map((warning) => ({
    status: 'warn',
    check: 'plugins',
    detail: warning,
  }));
  if (!discovery.plugins.some((candidate) => candidate.name === defaultBackend)) {
    findings.push({
      status: 'fail',
      check: `plugin ${defaultBackend}`,
      detail: 'the default backend is not installed',
      code: 2,
    });
  }
  const severity = (name: string): 'fail' | 'warn' => (name === defaultBackend ? 'fail' : 'warn');
  for (const candidate of discovery.plugins) {
    const check = `plugin ${candidate.name}`;
    const view = pluginView(candidate, discovery);
    let plugin;
    try {
      plugin = (await rt.loadCandidate(candidate)).plugin;
    } catch (error) {
      const reason = AgentkernelError.isInstance(error) ? error.detail : String(error);
      findings.push({
        status: severity(candidate.name),
        check,
        detail: `${view.package}: broken: ${view.problem ?? reason}`,
        code: 3,
      });
      continue;
    }
    if (plugin.status === 'stub') {
      const reason = plugin.description ?? 'it has no live adapter yet';
      findings.push({
        status: severity(candidate.name),
        check,
        detail: `${view.package} ${plugin.version}: stub, not usable: ${reason}`,
        code: 3,
      });
      continue;
    }
    findings.push({ status: 'ok', check, detail: `${view.package} ${plugin.version}, ready` });
    for (const state of credentialStates(plugin, loaded, rt.io.env)) {
      const missing = state.source === null && state.required;
      findings.push({
        status: missing ? severity(candidate.name) : 'ok',
        check: `credentials ${candidate.name}`,
        detail: `${state.key}: ${describeCredential(state)}`,
        ...(missing ? { code: 2 } : {}),
      });
    }
  }
  return findings;
}
