/** The backend's name: its `--backend` value, `[remote.daytona]` table and `SandboxRef.backend`. */
export const BACKEND_NAME = 'daytona';
