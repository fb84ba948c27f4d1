/** The backend's name: its `--backend` value, `[remote.agentcomputer]` table and `SandboxRef.backend`. */
export const BACKEND_NAME = 'agentcomputer';
