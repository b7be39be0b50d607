export { FILE_TYPES, type FileView, Files, IMAGE_TYPES, MAX_FILE_BYTES } from './files.js';
export { filesRoutes } from './files.routes.js';
export { type BlobStore, DirectoryBlobs, S3Blobs, type S3Options, signV4 } from './blobs.js';
