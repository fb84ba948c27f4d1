/** The shells `agentkernel completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** The hidden command the scripts call: `agentkernel __complete <words after agentkernel...>`. */
export const COMPLETE_COMMAND = '__complete';
