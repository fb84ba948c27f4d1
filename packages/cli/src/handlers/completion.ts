import { UsageError } from '@agentkernel/core';
import type { Handler } from '../commands/types.js';
import { completionScript } from '../completion/scripts.js';
import { COMPLETION_SHELLS, type CompletionShell } from '../completion/shells.js';

const completion: Handler = async (args, io) => {
  // yargs has checked a given shell against the choices.
  const shell = args.shell as CompletionShell | undefined;
  if (shell === undefined)
    throw new UsageError(`name a shell: agentkernel completion ${COMPLETION_SHELLS.join('|')}`, {
      hint: 'e.g. agentkernel completion bash >> ~/.bashrc',
    });
  io.stdout.write(completionScript(shell));
};

export default completion;
