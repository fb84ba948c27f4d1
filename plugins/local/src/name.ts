/** The backend's name: its `--backend` value, `[remote.local]` table and `SandboxRef.backend`. */
export const BACKEND_NAME = 'local';
