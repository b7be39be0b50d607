/**
 * Outbound HTTP the platform makes on a user's say-so (alert webhooks, later data exchange):
 * guarded against server-side request forgery. Only `https` (plain `http` by configuration), to
 * addresses outside loopback, private, link-local, shared (CGN) and cloud-metadata ranges (unless
 * configured); the address is checked when the connection is made, after DNS, so a name that
 * resolves elsewhere later (DNS rebinding) gets no further; redirects are not followed; what the
 * caller learns of a failure is generic, the detail goes to the log.
 */
import type { Text } from '../i18n/index.js';
import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export interface EgressPolicy {
  /** Allow plain http:// (default: https only). */
  allowHttp: boolean;
  /** Allow loopback, private, link-local and metadata addresses (tests, closed networks). */
  allowPrivate: boolean;
}

export const STRICT_EGRESS: EgressPolicy = { allowHttp: false, allowPrivate: false };

/** Addresses no webhook may reach unless allowPrivate. */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (CGN); Alibaba Cloud metadata 100.100.100.200
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local; AWS, Azure, GCP, Tencent metadata 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback (IPv4-mapped addresses are refused by isBlockedAddress)
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local; AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is one a webhook may not reach by default. */
export function isBlockedAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return BLOCKED.check(ip, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped) return true;
    return BLOCKED.check(ip, 'ipv6');
  }
  return true;
}

export class EgressRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'EgressRefused';
  }
}

/** Checks a URL a user gives for later delivery; returns what is wrong with it, in words for them. */
export function checkEgressUrl(address: string, policy: EgressPolicy): Text | undefined {
  let u: URL;
  try {
    u = new URL(address);
  } catch {
    return { zh: '须为 https 网址', en: 'an https URL' };
  }
  if (u.protocol !== 'https:' && !(policy.allowHttp && u.protocol === 'http:'))
    return policy.allowHttp
      ? { zh: '须为 http 或 https 网址', en: 'an http(s) URL' }
      : { zh: '须为 https 网址（不允许 http：WEBHOOK_ALLOW_HTTP）', en: 'an https URL (plain http is not allowed: WEBHOOK_ALLOW_HTTP)' };
  if (u.username || u.password)
    return {
      zh: '网址中不能含用户名或密码（请使用签名密钥）',
      en: 'a URL without a user name or password in it (use the signing secret)',
    };
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate) {
    if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal'))
      return { zh: '须为公网地址（不允许本地名称：WEBHOOK_ALLOW_PRIVATE）', en: 'a public address (local names are not allowed: WEBHOOK_ALLOW_PRIVATE)' };
    if (isIP(host) && isBlockedAddress(host))
      return {
        zh: '须为公网地址（不允许回环、内网、链路本地和元数据地址：WEBHOOK_ALLOW_PRIVATE）',
        en: 'a public address (loopback, private, link-local and metadata addresses are not allowed: WEBHOOK_ALLOW_PRIVATE)',
      };
  }
  return undefined;
}

type Resolve = (hostname: string, cb: (err: Error | null, addresses: { address: string; family: number }[]) => void) => void;

/** The system resolver; DNS is outside the platform, so tests may stand in for it (setEgressResolver). */
let resolve: Resolve = (hostname, cb) => dnsLookup(hostname, { all: true }, (err, a) => cb(err, (a ?? []) as { address: string; family: number }[]));

/** Replaces name resolution for outbound requests (tests: a name that resolves to loopback); returns the restore. */
export function setEgressResolver(r: Resolve): () => void {
  const before = resolve;
  resolve = r;
  return () => {
    resolve = before;
  };
}

/** A DNS lookup that refuses addresses outside the policy: the connection is made to what it checked. */
function guardedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (err, list) => {
      if (err) return callback(err as NodeJS.ErrnoException, '', 0);
      const ok = policy.allowPrivate ? list : list.filter((a) => !isBlockedAddress(a.address));
      if (ok.length === 0 || ok.length !== list.length) return callback(new EgressRefused(`${hostname} resolves to an address that is not allowed`), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof ok) => void)(null, ok);
      callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}

export interface EgressResponse {
  status: number;
}

/**
 * POSTs a body under the policy; resolves with the status (no redirect is followed: a 3xx is just
 * a status), rejects on a refused address, a network error or the timeout.
 */
export function egressPost(
  address: string,
  headers: Record<string, string>,
  body: string,
  opts: { policy: EgressPolicy; timeoutMs: number },
): Promise<EgressResponse> {
  const problem = checkEgressUrl(address, opts.policy);
  if (problem) return Promise.reject(new EgressRefused(`the address is not allowed: ${problem}`));
  const u = new URL(address);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(opts.policy),
        timeout: opts.timeoutMs,
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => {
        res.resume(); // the body is not read: nothing of it reaches the user
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
