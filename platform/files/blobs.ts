/**
 * Where uploaded files' bytes live, outside the database: a directory on the server's disk by
 * default (a volume every process mounts, when several serve), or an S3-compatible object store
 * (MinIO, Ceph, a cloud's OSS/COS/S3) by configuration. A file is written durably (to a temporary
 * name, flushed, renamed; or acknowledged by the object store) before its row is committed, so an
 * acknowledged upload survives a crash.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface BlobStore {
  readonly kind: 'directory' | 's3';
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** The bytes, or null when there are none under the key. */
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-]{1,80}$/;
function checkKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`blob key must be 1-80 letters, digits, _ or -: ${key}`);
}

/** A directory of files, two levels by the key's last characters so no directory grows huge. */
export class DirectoryBlobs implements BlobStore {
  readonly kind = 'directory' as const;
  constructor(private readonly dir: string) {}

  private path(key: string): string {
    checkKey(key);
    return join(this.dir, key.slice(-2), key.slice(-4, -2), key);
  }

  async put(key: string, data: Buffer, _contentType?: string): Promise<void> {
    const final = this.path(key);
    await mkdir(dirname(final), { recursive: true });
    const tmp = `${final}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, final);
    // The rename is durable once the directory is.
    const dh = await open(dirname(final), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

export interface S3Options {
  /** The service's address, e.g. https://oss.example.gov.cn or http://127.0.0.1:9000 (MinIO). */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Bucket in the path (MinIO, most private deployments) instead of the host name. */
  pathStyle: boolean;
  /** Prepended to every key, e.g. `wudang/files/`. */
  prefix?: string;
}

export interface SignInput {
  method: string;
  host: string;
  /** The path, already URI-encoded as it goes on the wire. */
  path: string;
  /** The canonical query string (sorted, encoded); empty for none. */
  query?: string;
  headers: Record<string, string>;
  payloadHash: string;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** YYYYMMDDTHHMMSSZ */
  amzDate: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** AWS Signature Version 4: the Authorization header for a request (every header given is signed). */
export function signV4(r: SignInput): { authorization: string; canonicalRequest: string; stringToSign: string } {
  const headers = Object.entries({ ...r.headers, host: r.host })
    .map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signed = headers.map(([k]) => k).join(';');
  const canonicalRequest = [r.method, r.path, r.query ?? '', headers.map(([k, v]) => `${k}:${v}\n`).join(''), signed, r.payloadHash].join('\n');
  const day = r.amzDate.slice(0, 8);
  const scope = `${day}/${r.region}/${r.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', r.amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${r.secretAccessKey}`, day), r.region), r.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${r.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`,
    canonicalRequest,
    stringToSign,
  };
}

const encodeSegment = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An S3-compatible object store, spoken to with SigV4-signed requests (no SDK). */
export class S3Blobs implements BlobStore {
  readonly kind = 's3' as const;
  private readonly base: URL;
  constructor(
    private readonly o: S3Options,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    this.base = new URL(o.endpoint);
  }

  private async request(method: 'PUT' | 'GET' | 'DELETE', key: string, body?: Buffer, contentType?: string): Promise<Response> {
    checkKey(key);
    const objectKey = `${this.o.prefix ?? ''}${key}`;
    const host = this.o.pathStyle ? this.base.host : `${this.o.bucket}.${this.base.host}`;
    const basePath = this.base.pathname.replace(/\/+$/, '');
    const path = `${basePath}${this.o.pathStyle ? `/${encodeSegment(this.o.bucket)}` : ''}/${objectKey.split('/').map(encodeSegment).join('/')}`;
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const payloadHash = body ? sha256(body) : sha256('');
    const headers: Record<string, string> = { 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
    if (contentType) headers['content-type'] = contentType;
    const { authorization } = signV4({
      method,
      host,
      path,
      headers,
      payloadHash,
      region: this.o.region,
      service: 's3',
      accessKeyId: this.o.accessKeyId,
      secretAccessKey: this.o.secretAccessKey,
      amzDate,
    });
    return this.fetchFn(`${this.base.protocol}//${host}${path}`, {
      method,
      headers: { ...headers, authorization },
      ...(body ? { body: new Uint8Array(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    const r = await this.request('PUT', key, data, contentType);
    if (!r.ok) throw new Error(`object store refused PUT ${key}: ${r.status} ${(await r.text()).slice(0, 200)}`);
  }

  async get(key: string): Promise<Buffer | null> {
    const r = await this.request('GET', key);
    if (r.status === 404) return null;
    if (!r.ok) throw new Error(`object store refused GET ${key}: ${r.status}`);
    return Buffer.from(await r.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    const r = await this.request('DELETE', key);
    if (!r.ok && r.status !== 404) throw new Error(`object store refused DELETE ${key}: ${r.status}`);
  }
}
