import type { Handler } from '../commands/types.js';
import { writeThrough } from '../output/io.js';
import { detachedLogs } from '../runtime/detached.js';
import { withInterrupt } from '../runtime/interrupt.js';
import { withRuntime } from '../runtime/runtime.js';

// The output is the command's own bytes: written as they are, never decoded or redacted.
const execLogs: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const stream = args.stderr === true ? 'stderr' : 'stdout';
    await withInterrupt((signal) =>
      detachedLogs(rt, args.name as string, args.id as string, {
        stream,
        follow: args.follow === true,
        onOutput: (chunk) => writeThrough(stream === 'stderr' ? io.stderr : io.stdout, chunk),
        signal,
      }),
    );
  });

export default execLogs;
