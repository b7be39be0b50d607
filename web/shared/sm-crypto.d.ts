/** The part of sm-crypto the web apps use: SM2 signature verification (offline city codes). */
declare module 'sm-crypto' {
  export const sm2: {
    doVerifySignature(msg: string | number[], signHex: string, publicKey: string, o?: { hash?: boolean; der?: boolean; userId?: string }): boolean;
  };
}
