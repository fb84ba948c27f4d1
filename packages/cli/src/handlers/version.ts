import type { Handler } from '../commands/types.js';
import { cliVersion } from '../version.js';

const version: Handler = async (args, io) => {
  io.stdout.write(args.json ? `${JSON.stringify({ version: cliVersion() })}\n` : `${cliVersion()}\n`);
};

export default version;
