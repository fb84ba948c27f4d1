export { modalPlugin, modalPlugin as plugin, modalPlugin as default } from './plugin.js';
export { createModalBackend, ModalBackend } from './modal-backend.js';
export { BACKEND_NAME } from './name.js';
export { VERSION } from './version.js';
