import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type HashAlg = 'sm3' | 'sha256';

export function hashHex(alg: HashAlg, data: string): string {
  return createHash(alg).update(data, 'utf8').digest('hex');
}

export function hmacHex(alg: HashAlg, key: string | Buffer, data: string): string {
  return createHmac(alg, key).update(data, 'utf8').digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/**
 * Field encryption for identity numbers and phones at rest (GB/T 39786 level 3, 8.4 e): SM4-CBC
 * with a random IV per value, then an HMAC-SM3 tag over IV and ciphertext (encrypt-then-MAC; Node's
 * OpenSSL has no SM4-GCM). Stored as "sm4:<iv>:<ciphertext>:<tag>" (base64). A changed value or the
 * wrong key fails the tag check instead of decrypting to garbage.
 */
export class FieldCipher {
  readonly #key: Buffer;
  readonly #indexKey: Buffer;
  readonly #macKey: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 16) throw new Error('SM4 key must be 16 bytes');
    this.#key = key;
    // A separate key for the blind index, so the index reveals nothing about the cipher key.
    this.#indexKey = createHmac('sm3', key).update('redgrid:blind-index').digest();
    this.#macKey = createHmac('sm3', key).update('redgrid:field-mac').digest();
  }

  #tag(iv: Buffer, ct: Buffer): Buffer {
    return createHmac('sm3', this.#macKey).update(iv).update(ct).digest();
  }

  encrypt(plain: string): string {
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-cbc', this.#key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `sm4:${iv.toString('base64')}:${ct.toString('base64')}:${this.#tag(iv, ct).toString('base64')}`;
  }

  decrypt(stored: string): string {
    const [scheme, ivB64, ctB64, tagB64] = stored.split(':');
    if (scheme !== 'sm4' || !ivB64 || !ctB64 || !tagB64) throw new Error('not an SM4 field value');
    const iv = Buffer.from(ivB64, 'base64');
    const ct = Buffer.from(ctB64, 'base64');
    const expected = this.#tag(iv, ct);
    const given = Buffer.from(tagB64, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('SM4 field value fails its integrity check (wrong key or altered)');
    const decipher = createDecipheriv('sm4-cbc', this.#key, iv);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
  }

  /** Deterministic HMAC-SM3 of the normalised value: exact-match search without decrypting. */
  blindIndex(value: string): string {
    return createHmac('sm3', this.#indexKey).update(value.replace(/\s+/g, '').toUpperCase()).digest('hex');
  }
}

/** 13812345678 -> 138****5678, as Chinese apps show phones. */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}
