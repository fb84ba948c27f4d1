import type { Handler } from '../commands/types.js';
import { copyDirection, parseCopyEndpoint, sandboxPath } from '../remote-path.js';
import { download, upload } from '../runtime/copy.js';
import { withRuntime } from '../runtime/runtime.js';

const cp: Handler = (args, io) =>
  withRuntime(args, io, async (rt) => {
    const copy = copyDirection(parseCopyEndpoint(args.src as string), parseCopyEndpoint(args.dst as string));
    const { record, handle } = await rt.connect(copy.sandbox);
    const remote = sandboxPath(copy.remote, record.workspaceDir);
    const written =
      copy.direction === 'upload'
        ? await upload(handle, copy.local, remote)
        : await download(handle, remote, copy.local);
    await rt.audit({
      type: copy.direction === 'upload' ? 'file_written' : 'file_read',
      sandbox: record.name,
      path: copy.direction === 'upload' ? written : remote,
    });
    const where = copy.direction === 'upload' ? `${record.name}:${written}` : written;
    if (rt.out.json)
      return rt.out.printJson({ sandbox: record.name, direction: copy.direction, path: written });
    rt.out.info(`copied to ${where}`);
  });

export default cp;
