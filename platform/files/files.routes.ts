/** Upload and read files: `POST /api/files` (an image as base64 JSON), `GET /api/files/:id`. */
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../http/http.js';
import { AppError } from '../http/errors.js';
import { FILE_TYPES, type Files, MAX_FILE_BYTES } from './files.js';

const FileView = Type.Object({ id: Type.String(), name: Type.String(), contentType: Type.String(), size: Type.Integer(), url: Type.String() });

export async function filesRoutes(app: FastifyInstance, { files }: { files: Files }): Promise<void> {
  app.post<{ Body: { name: string; contentType: string; data: string } }>(
    '/files',
    {
      // Base64 is 4/3 the size of the bytes, plus the JSON around it.
      bodyLimit: Math.ceil((MAX_FILE_BYTES * 4) / 3) + 4096,
      schema: {
        tags: ['files'],
        summary:
          'Upload a file (a photo for a report, a material for an application): JPEG, PNG, WebP or PDF, checked by content, at most 8 MB, as base64; attach it by its id',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            contentType: Type.String({ enum: FILE_TYPES }),
            data: Type.String({ minLength: 4, description: 'The bytes, base64' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: FileView },
      },
      config: { auth: { audience: 'everyone' }, rateLimit: { max: 120, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(req.body.data))
        throw new AppError(
          'WD_ERR_VALIDATION',
          { zh: '图片数据不是有效的 base64', en: 'The image data is not base64' },
          {
            errors: [{ pointer: '/body/data', detail: { zh: '须为 base64 编码的图片', en: 'must be the image in base64' } }],
          },
        );
      const data = Buffer.from(req.body.data, 'base64');
      return reply.status(201).send(await files.upload(principalOf(req), { name: req.body.name, contentType: req.body.contentType, data }));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/files/:id',
    {
      schema: {
        tags: ['files'],
        summary: 'A file: for its uploader, and for whoever may see the record it is attached to',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
      config: { auth: { audience: 'everyone' } },
    },
    async (req, reply) => {
      const { file: f, data } = await files.read(principalOf(req), req.params.id);
      return reply
        .type(f.content_type)
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(f.name)}`)
        .header('cache-control', 'private, max-age=3600')
        .header('etag', `"${f.sha256}"`)
        .send(data);
    },
  );
}
