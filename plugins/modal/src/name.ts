/** The backend's name: its `--backend` value, `[remote.modal]` table and `SandboxRef.backend`. */
export const BACKEND_NAME = 'modal';
