import type { Handler } from '../commands/types.js';
import {
  checkConfig,
  checkHome,
  checkIsolation,
  checkPlugins,
  type Finding,
} from '../runtime/doctor-checks.js';
import { onlineFindings, withoutRetries } from '../runtime/doctor-online.js';
import { checkLeftovers } from '../runtime/leftover-check.js';
import { withRuntime } from '../runtime/runtime.js';

const doctor: Handler = (args, io) =>
  withRuntime(
    args,
    io,
    async (rt) => {
      const { loaded, findings: configFindings } = await checkConfig(rt);
      rt.adoptConfig(loaded);
      const defaultBackend = rt.args.backend ?? loaded.config.sandbox.backend ?? 'local';
      const online = args.online === true;
      const findings: Finding[] = [
        ...configFindings,
        await checkHome(rt.home),
        await checkIsolation(loaded, defaultBackend === 'local'),
        ...(await checkPlugins(rt, loaded, defaultBackend)),
      ];
      // Every backend doctor opens from here on asks once and does not retry.
      if (online) rt.adoptConfig(await withoutRetries(rt, loaded));
      findings.push(await checkLeftovers(rt, online), ...(await onlineFindings(rt, loaded, online)));
      const failures = findings.filter((finding) => finding.status === 'fail');
      const code = failures.length === 0 ? 0 : Math.min(...failures.map((failure) => failure.code ?? 3));
      if (rt.out.json) {
        rt.out.printJson({ ok: failures.length === 0, defaultBackend, home: rt.home, checks: findings });
        return code;
      }
      const c = rt.out.colors;
      const tint = { ok: c.green, warn: c.yellow, fail: c.red, skip: c.dim } as const;
      rt.out.table(findings, [
        { header: 'STATUS', value: (f) => tint[f.status](f.status) },
        { header: 'CHECK', value: (f) => f.check },
        { header: 'DETAIL', value: (f) => f.detail },
      ]);
      rt.out.line(
        failures.length === 0
          ? `\nready: new sandboxes go to the ${defaultBackend} backend`
          : `\n${failures.length} problem${failures.length === 1 ? '' : 's'} to fix before using the ${defaultBackend} backend`,
      );
      return code;
    },
    { loadConfig: false },
  );

export default doctor;
