import { parseDuration, UsageError } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { extendSandbox } from '../runtime/lifecycle.js';
import { withRuntime } from '../runtime/runtime.js';
import { describeExpiry } from '../runtime/view.js';

const extendTtl: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const name = await rt.sandboxName(args.name, 'sandbox extend-ttl');
    const by = parseDuration(String(args.by), '--by');
    if (by === 0) throw new UsageError('--by "0": give a duration of more than 0, e.g. --by 30m');
    const record = await extendSandbox(rt, name, by);
    if (rt.out.json) return rt.out.printJson({ name, expiresAt: record.expiresAt ?? null });
    rt.out.info(`sandbox ${name} now expires ${describeExpiry(record.expiresAt ?? null)}`);
  });

export default extendTtl;
