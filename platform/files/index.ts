export { FILE_TYPES, type FileView, Files, MAX_FILE_BYTES } from './files.js';
export { filesRoutes } from './files.routes.js';
