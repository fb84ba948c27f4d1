import { adminCommands } from './admin.js';
import { execCommands } from './exec.js';
import { groupCommand } from './group.js';
import { sandboxGroup } from './sandbox.js';
import { serveCommands } from './serve.js';
import type { CommandDef, CommandGroup, LazyHandler } from './types.js';
import { workspaceGroups } from './workspace.js';

export interface CommandTree {
  readonly groups: readonly CommandGroup[];
  readonly commands: readonly CommandDef[];
}

/** Every command of the CLI, in the order `--help` lists them. */
export function commandTree(lazy: LazyHandler): CommandTree {
  const admin = adminCommands(lazy);
  return {
    groups: [sandboxGroup(lazy), ...workspaceGroups(lazy), ...admin.groups],
    commands: [...execCommands(lazy), ...admin.commands, ...serveCommands(lazy)],
  };
}

/** The commands as yargs gets them, for a help `wrap` columns wide. */
export function yargsCommands(tree: CommandTree, wrap: number): CommandDef[] {
  const [sandbox, ...otherGroups] = tree.groups.map((group) => groupCommand(group, wrap));
  return [...(sandbox ? [sandbox] : []), ...tree.commands, ...otherGroups];
}
