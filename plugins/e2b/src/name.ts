/** The backend's name: its `--backend` value, `[remote.e2b]` table and `SandboxRef.backend`. */
export const BACKEND_NAME = 'e2b';
