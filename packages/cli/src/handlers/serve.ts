import type { Handler } from '../commands/types.js';
import { serve } from '../serve/start.js';

const handler: Handler = (args, io) => serve(args, io);

export default handler;
