import { DEFAULT_KEY_ID, KEY_ID_PATTERN, type DataKey, type KeyRing } from '../key-ring.ts';
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

// The key ring's shape lives below configuration (key-ring.ts); the cipher re-exports it.
export { DEFAULT_KEY_ID, KEY_ID_PATTERN, type DataKey, type KeyRing } from '../key-ring.ts';

interface OpenKey {
  id: string;
  key: Buffer;
  macKey: Buffer;
}

function openKey({ id, key }: DataKey): OpenKey {
  if (key.length !== 16) throw new Error('SM4 key must be 16 bytes');
  if (!KEY_ID_PATTERN.test(id)) throw new Error('a data key id is 1-16 letters, digits, _ or -');
  return { id, key, macKey: createHmac('sm3', key).update('redgrid:field-mac').digest() };
}

/** The blind-index key a data key implies when no index key is configured (the pre-key-ring derivation). */
function derivedIndexKey(dataKey: Buffer): Buffer {
  return createHmac('sm3', dataKey).update('redgrid:blind-index').digest();
}

/**
 * Field encryption for identity numbers and phones at rest (GB/T 39786 level 3, 8.4 e): SM4-CBC
 * with a random IV per value, then an HMAC-SM3 tag over IV and ciphertext (encrypt-then-MAC; Node's
 * OpenSSL has no SM4-GCM). Stored as "sm4:<keyId>:<iv>:<ciphertext>:<tag>" (base64) under the
 * ring's current key. Values from before key rings ("sm4:<iv>:<ciphertext>:<tag>") carry no key id:
 * they open under whichever configured key their tag verifies with (the tag makes that trial safe),
 * and `needsRekey` says they should move. A changed value or the wrong key fails the tag check
 * instead of decrypting to garbage. Errors name key ids, never key material or values.
 */
export class FieldCipher {
  readonly #current: OpenKey;
  readonly #keys: ReadonlyMap<string, OpenKey>;
  readonly #indexKey: Buffer;
  readonly #retiredIndexKeys: readonly Buffer[];
  readonly #ring: KeyRing;

  /** A ring, or a single key (id 'k1', no retired keys: tests and tools that never rotate). */
  constructor(keys: KeyRing | Buffer) {
    const ring: KeyRing = Buffer.isBuffer(keys) ? { current: { id: DEFAULT_KEY_ID, key: keys }, retired: [], index: null, retiredIndex: [] } : keys;
    this.#ring = ring;
    this.#current = openKey(ring.current);
    const all = new Map<string, OpenKey>([[this.#current.id, this.#current]]);
    for (const k of ring.retired) {
      if (all.has(k.id)) throw new Error(`data key id ${k.id} is configured twice`);
      all.set(k.id, openKey(k));
    }
    this.#keys = all;
    // A separate key for the blind index, so the index reveals nothing about the cipher key.
    this.#indexKey = ring.index ?? derivedIndexKey(ring.current.key);
    // Candidates while a rotation is half-way: configured retired index keys, and the index key every
    // configured data key implies (values indexed before an index key was set, or under an old data key).
    const candidates = [...ring.retiredIndex, ...[...all.values()].map((k) => derivedIndexKey(k.key))];
    this.#retiredIndexKeys = candidates.filter((k, i) => !k.equals(this.#indexKey) && candidates.findIndex((o) => o.equals(k)) === i);
  }

  /**
   * The ring this cipher was built from, for a worker thread to build the same cipher (`workerData`
   * copies the buffers into the worker; they never leave the process). Key material: never log it,
   * never write it anywhere.
   */
  keyRingForWorker(): KeyRing {
    return this.#ring;
  }

  /** The id of the key new values are written under. */
  get keyId(): string {
    return this.#current.id;
  }

  #tag(key: OpenKey, iv: Buffer, ct: Buffer): Buffer {
    return createHmac('sm3', key.macKey).update(iv).update(ct).digest();
  }

  #verifies(key: OpenKey, iv: Buffer, ct: Buffer, tag: Buffer): boolean {
    const expected = this.#tag(key, iv, ct);
    return tag.length === expected.length && timingSafeEqual(tag, expected);
  }

  encrypt(plain: string): string {
    const key = this.#current;
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-cbc', key.key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `sm4:${key.id}:${iv.toString('base64')}:${ct.toString('base64')}:${this.#tag(key, iv, ct).toString('base64')}`;
  }

  /**
   * `encrypt` of many values at once, for imports: the same format and the same SM4-CBC (each value
   * its own random IV, PKCS#7 padding, its own tag), but one SM4 context for the whole call — the CBC
   * chaining done here over OpenSSL's SM4 block function in ECB mode — and one draw of random bytes
   * for every IV, instead of a cipher object and a random draw per value (about 3× faster for
   * identity numbers and phones). `decrypt` reads what it writes; crypto.test.ts checks it against
   * Node's own sm4-cbc byte for byte.
   */
  encryptMany(plains: readonly string[]): string[] {
    const key = this.#current;
    const ivs = randomBytes(16 * plains.length);
    const ecb = createCipheriv('sm4-ecb', key.key, null);
    ecb.setAutoPadding(false);
    const out = new Array<string>(plains.length);
    for (let i = 0; i < plains.length; i += 1) {
      const iv = ivs.subarray(16 * i, 16 * i + 16);
      const plain = Buffer.from(plains[i]!, 'utf8');
      const size = (Math.floor(plain.length / 16) + 1) * 16;
      const ct = Buffer.alloc(size, size - plain.length);
      plain.copy(ct);
      let prev = iv;
      for (let at = 0; at < size; at += 16) {
        for (let k = 0; k < 16; k += 1) ct[at + k]! ^= prev[k]!;
        const block = ecb.update(ct.subarray(at, at + 16));
        if (block.length !== 16) throw new Error('SM4 block function returned a partial block');
        block.copy(ct, at);
        prev = ct.subarray(at, at + 16);
      }
      out[i] = `sm4:${key.id}:${iv.toString('base64')}:${ct.toString('base64')}:${this.#tag(key, iv, ct).toString('base64')}`;
    }
    ecb.final();
    return out;
  }

  decrypt(stored: string): string {
    const value = parseStored(stored);
    let key: OpenKey | undefined;
    if (value.keyId === null) {
      key = [...this.#keys.values()].find((k) => this.#verifies(k, value.iv, value.ct, value.tag));
      if (!key) throw new Error('SM4 field value fails its integrity check under every configured key (wrong key or altered)');
    } else {
      key = this.#keys.get(value.keyId);
      if (!key) throw new Error(`SM4 field value is under data key "${value.keyId}", which is not configured (add it to REDGRID_DATA_KEYS_RETIRED)`);
      if (!this.#verifies(key, value.iv, value.ct, value.tag)) throw new Error('SM4 field value fails its integrity check (wrong key or altered)');
    }
    const decipher = createDecipheriv('sm4-cbc', key.key, value.iv);
    return Buffer.concat([decipher.update(value.ct), decipher.final()]).toString('utf8');
  }

  /** The key id a stored value names; null for a value from before key rings. Throws on a non-SM4 value. */
  keyIdOf(stored: string): string | null {
    return parseStored(stored).keyId;
  }

  /** True when the value is not under the current key (a retired key, or the format without key id). */
  needsRekey(stored: string): boolean {
    return this.keyIdOf(stored) !== this.#current.id;
  }

  /** Deterministic HMAC-SM3 of the normalised value under the current index key: exact-match search without decrypting. */
  blindIndex(value: string): string {
    return indexUnder(this.#indexKey, value);
  }

  /**
   * The current blind index first, then the value's index under every retired index key: search with
   * `bidx IN (…)` so rows not yet moved by a rotation are still found.
   */
  blindIndexCandidates(value: string): string[] {
    return [this.blindIndex(value), ...this.#retiredIndexKeys.map((k) => indexUnder(k, value))];
  }
}

function indexUnder(key: Buffer, value: string): string {
  return createHmac('sm3', key).update(value.replace(/\s+/g, '').toUpperCase()).digest('hex');
}

function parseStored(stored: string): { keyId: string | null; iv: Buffer; ct: Buffer; tag: Buffer } {
  const parts = stored.split(':');
  const [scheme] = parts;
  const fields = parts.length === 5 ? parts.slice(2) : parts.length === 4 ? parts.slice(1) : [];
  const [ivB64, ctB64, tagB64] = fields;
  if (scheme !== 'sm4' || !ivB64 || !ctB64 || !tagB64 || (parts.length === 5 && !KEY_ID_PATTERN.test(parts[1] ?? ''))) throw new Error('not an SM4 field value');
  return { keyId: parts.length === 5 ? parts[1]! : null, iv: Buffer.from(ivB64, 'base64'), ct: Buffer.from(ctB64, 'base64'), tag: Buffer.from(tagB64, 'base64') };
}

/** 13812345678 -> 138****5678, as Chinese apps show phones (landlines too: see masking.ts). */
export { maskPhone } from './masking.ts';
