/** The backend's name: its `--backend` value, `[remote.runloop]` table and `SandboxRef.backend`. */
export const BACKEND_NAME = 'runloop';
