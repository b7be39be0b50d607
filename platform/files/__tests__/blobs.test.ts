/**
 * The blob store: SigV4 signing matches the S3 documentation's worked example; the S3 adapter
 * speaks path-style signed requests (a recording server stands in for the object store here);
 * the directory store writes durably and reads back; uploads keep their bytes outside the
 * database and files stored before the move still read.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';
import { DirectoryBlobs, S3Blobs, signV4 } from '../blobs.js';

describe('blob stores', () => {
  test('SigV4 gives the S3 documentation’s signature for its GET Object example', () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object".
    const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const r = signV4({
      method: 'GET',
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      headers: { range: 'bytes=0-9', 'x-amz-content-sha256': empty, 'x-amz-date': '20130524T000000Z' },
      payloadHash: empty,
      region: 'us-east-1',
      service: 's3',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      amzDate: '20130524T000000Z',
    });
    assert.equal(r.stringToSign.split('\n')[3], '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972');
    assert.equal(
      r.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  test('the S3 adapter puts, gets and deletes with signed path-style requests', async () => {
    const objects = new Map<string, Buffer>();
    const seen: { method: string; url: string; auth: string; sha: string }[] = [];
    const server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      seen.push({ method: req.method!, url: req.url!, auth: String(req.headers.authorization), sha: String(req.headers['x-amz-content-sha256']) });
      if (req.method === 'PUT') {
        objects.set(req.url!, Buffer.concat(chunks));
        res.end();
      } else if (req.method === 'GET') {
        const o = objects.get(req.url!);
        res.statusCode = o ? 200 : 404;
        res.end(o ?? '<Error><Code>NoSuchKey</Code></Error>');
      } else {
        objects.delete(req.url!);
        res.statusCode = 204;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const s3 = new S3Blobs({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'cn-central-1',
        bucket: 'wudang',
        accessKeyId: 'AK',
        secretAccessKey: 'SK',
        pathStyle: true,
        prefix: 'files/',
      });
      await s3.put('fil_abc', Buffer.from('photo bytes'), 'image/jpeg');
      assert.deepEqual(await s3.get('fil_abc'), Buffer.from('photo bytes'));
      assert.equal(await s3.get('fil_none'), null);
      await s3.delete('fil_abc');
      assert.equal(await s3.get('fil_abc'), null);
      assert.equal(seen[0]!.url, '/wudang/files/fil_abc');
      assert.match(
        seen[0]!.auth,
        /^AWS4-HMAC-SHA256 Credential=AK\/\d{8}\/cn-central-1\/s3\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
      );
      assert.equal(seen[0]!.sha, createHash('sha256').update('photo bytes').digest('hex'), 'the payload hash is signed');
      await assert.rejects(s3.put('../etc/passwd', Buffer.from('x'), 'image/jpeg'));
    } finally {
      server.close();
    }
  });

  test('the directory store writes, reads and deletes; a bad key is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wd-blobs-'));
    try {
      const b = new DirectoryBlobs(dir);
      await b.put('fil_0123456789', Buffer.from('abc'), 'image/png');
      assert.deepEqual(await b.get('fil_0123456789'), Buffer.from('abc'));
      assert.deepEqual(readdirSync(join(dir, '89', '67')), ['fil_0123456789'], 'no temporary file left');
      assert.equal(await b.get('fil_missing'), null);
      await b.delete('fil_0123456789');
      assert.equal(await b.get('fil_0123456789'), null);
      await assert.rejects(b.put('../x', Buffer.from('x'), 'image/png'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const d of await dialects()) {
  describe(`uploads outside the database (${d.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'wd-files-'));
    let t: TestApp;
    after(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('an upload’s bytes are in the files directory, not in the row; an older row with bytes still reads', async () => {
      t = await startApp(d, { filesDir: dir });
      const token = await t.login('zjj.staff');
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
      const up = await t.call('POST', '/api/files', token, { name: 'a.png', contentType: 'image/png', data: png.toString('base64') });
      assert.equal(up.status, 201, JSON.stringify(up.body));
      const row = await t.storage.db.selectFrom('files').selectAll().where('id', '=', up.body.id).executeTakeFirstOrThrow();
      assert.equal(row.blob_key, up.body.id);
      assert.equal(Buffer.from(row.data).length, 0);
      assert.deepEqual(await new DirectoryBlobs(dir).get(up.body.id), png);
      const read = await t.inject({ method: 'GET', url: up.body.url, headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual(read.rawPayload, png);
      // A file stored before the move keeps its bytes in the row.
      const me = (await t.call('GET', '/api/auth/me', token)).body.id;
      await t.storage.db
        .insertInto('files')
        .values({
          id: 'fil_legacy',
          name: 'old.png',
          content_type: 'image/png',
          size: png.length,
          sha256: 'x',
          data: png,
          blob_key: null,
          created_by: me,
          created_at: Date.now(),
          subject: null,
          subject_id: null,
        })
        .execute();
      const old = await t.inject({ method: 'GET', url: '/api/files/fil_legacy', headers: { authorization: `Bearer ${token}` } });
      assert.equal(old.statusCode, 200);
      assert.deepEqual(old.rawPayload, png);
    });
  });
}
