export { modalPlugin, modalPlugin as plugin, modalPlugin as default } from './plugin.js';
export { createModalBackend, ModalBackend } from './modal-backend.js';
export { VERSION } from './version.js';
