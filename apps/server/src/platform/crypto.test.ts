import { describe, expect, it } from 'vitest';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { FieldCipher, hashHex, maskPhone, type KeyRing } from './crypto.ts';

const KEY_A = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const KEY_B = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex');
const KEY_C = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
const cipher = new FieldCipher(KEY_A);

/** A value as FieldCipher wrote it before key rings: "sm4:<iv>:<ct>:<tag>", no key id. */
function legacyEncrypt(key: Buffer, plain: string): string {
  const macKey = createHmac('sm3', key).update('redgrid:field-mac').digest();
  const iv = randomBytes(16);
  const c = createCipheriv('sm4-cbc', key, iv);
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  const tag = createHmac('sm3', macKey).update(iv).update(ct).digest();
  return `sm4:${iv.toString('base64')}:${ct.toString('base64')}:${tag.toString('base64')}`;
}

/** The blind index as FieldCipher computed it before key rings (key derived from the data key). */
function legacyIndex(key: Buffer, value: string): string {
  const indexKey = createHmac('sm3', key).update('redgrid:blind-index').digest();
  return createHmac('sm3', indexKey).update(value.replace(/\s+/g, '').toUpperCase()).digest('hex');
}

const ring = (current: [string, Buffer], retired: [string, Buffer][] = [], index: Buffer | null = null, retiredIndex: Buffer[] = []): KeyRing => ({
  current: { id: current[0], key: current[1] },
  retired: retired.map(([id, key]) => ({ id, key })),
  index,
  retiredIndex,
});

describe('field encryption (SM4)', () => {
  it('round-trips and never repeats a ciphertext', () => {
    const a = cipher.encrypt('320412199001011234');
    const b = cipher.encrypt('320412199001011234');
    expect(a).not.toBe(b);
    expect(a.startsWith('sm4:k1:')).toBe(true);
    expect(cipher.decrypt(a)).toBe('320412199001011234');
  });

  it('fails loudly with the wrong key, every time', () => {
    const other = new FieldCipher(Buffer.from('ffeeddccbbaa99887766554433221100', 'hex'));
    for (let i = 0; i < 500; i += 1) expect(() => other.decrypt(cipher.encrypt('13912345678'))).toThrow(/integrity/);
  });

  it('refuses a value whose ciphertext was altered, or whose key id was changed', () => {
    const [scheme, keyId, iv, ct, tag] = cipher.encrypt('13912345678').split(':');
    const bytes = Buffer.from(ct ?? '', 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(() => cipher.decrypt([scheme, keyId, iv, bytes.toString('base64'), tag].join(':'))).toThrow(/integrity/);
    const ring = new FieldCipher({ current: { id: 'k2', key: KEY_B }, retired: [{ id: 'k1', key: KEY_A }], index: null, retiredIndex: [] });
    expect(() => ring.decrypt([scheme, 'k2', iv, ct, tag].join(':'))).toThrow(/integrity/);
    expect(() => cipher.decrypt('sm4:onlythree:parts')).toThrow(/not an SM4 field value/);
    expect(() => cipher.decrypt('sm4:bad:id:a:b:c')).toThrow(/not an SM4 field value/);
  });

  it('encrypts many values at once into what encrypt writes: Node\'s own sm4-cbc, byte for byte, each with its own IV', () => {
    // Lengths around the block size: 0, 15, 16, 17 bytes, an identity number, Chinese text (3 bytes a character).
    const plains = ['', 'a'.repeat(15), 'b'.repeat(16), 'c'.repeat(17), '320412199001011234', '17012345678', '江苏省常州市钟楼区'.repeat(5)];
    const sealed = cipher.encryptMany(plains);
    expect(sealed).toHaveLength(plains.length);
    const macKey = createHmac('sm3', KEY_A).update('redgrid:field-mac').digest();
    const ivs = new Set<string>();
    sealed.forEach((value, i) => {
      expect(cipher.decrypt(value)).toBe(plains[i]);
      const [scheme, keyId, iv, ct, tag] = value.split(':') as [string, string, string, string, string];
      expect([scheme, keyId]).toEqual(['sm4', 'k1']);
      ivs.add(iv);
      const reference = createCipheriv('sm4-cbc', KEY_A, Buffer.from(iv, 'base64'));
      expect(ct).toBe(Buffer.concat([reference.update(plains[i]!, 'utf8'), reference.final()]).toString('base64'));
      expect(tag).toBe(createHmac('sm3', macKey).update(Buffer.from(iv, 'base64')).update(Buffer.from(ct, 'base64')).digest('base64'));
    });
    expect(ivs.size).toBe(plains.length);
    expect(cipher.encryptMany([])).toEqual([]);
  });

  it('builds a blind index that ignores spacing and case, and differs by key', () => {
    expect(cipher.blindIndex('3204121990 0101123x')).toBe(cipher.blindIndex('32041219900101123X'));
    const other = new FieldCipher(Buffer.from('ffeeddccbbaa99887766554433221100', 'hex'));
    expect(other.blindIndex('13912345678')).not.toBe(cipher.blindIndex('13912345678'));
  });
});

describe('key ring', () => {
  it('writes under the current key id and reads values under retired keys', () => {
    const before = new FieldCipher(ring(['k1', KEY_A]));
    const stored = before.encrypt('320412199001011234');
    const after = new FieldCipher(ring(['k2', KEY_B], [['k1', KEY_A]]));
    expect(after.keyId).toBe('k2');
    expect(after.decrypt(stored)).toBe('320412199001011234');
    expect(after.keyIdOf(stored)).toBe('k1');
    expect(after.needsRekey(stored)).toBe(true);
    const moved = after.encrypt(after.decrypt(stored));
    expect(moved.startsWith('sm4:k2:')).toBe(true);
    expect(after.needsRekey(moved)).toBe(false);
    // Once the retired key is dropped, its values fail by name (the id, never the key).
    const done = new FieldCipher(ring(['k2', KEY_B]));
    expect(done.decrypt(moved)).toBe('320412199001011234');
    expect(() => done.decrypt(stored)).toThrow(/data key "k1", which is not configured/);
  });

  it('reads values written before key rings under whichever configured key verifies them', () => {
    const old = legacyEncrypt(KEY_A, '13912345678');
    expect(new FieldCipher(KEY_A).decrypt(old)).toBe('13912345678');
    const rotated = new FieldCipher(ring(['k2', KEY_B], [['k0', KEY_C], ['k1', KEY_A]]));
    expect(rotated.decrypt(old)).toBe('13912345678');
    expect(rotated.keyIdOf(old)).toBeNull();
    expect(rotated.needsRekey(old)).toBe(true);
    expect(new FieldCipher(KEY_A).needsRekey(old)).toBe(true);
    expect(() => new FieldCipher(ring(['k2', KEY_B], [['k0', KEY_C]])).decrypt(old)).toThrow(/every configured key/);
  });

  it('keeps the blind index of a deployment from before key rings', () => {
    expect(new FieldCipher(KEY_A).blindIndex('13912345678')).toBe(legacyIndex(KEY_A, '13912345678'));
    expect(new FieldCipher(ring(['k1', KEY_A])).blindIndex('13912345678')).toBe(legacyIndex(KEY_A, '13912345678'));
  });

  it('uses a configured index key, and still finds values indexed under the old ones while a rotation is half-way', () => {
    const indexKey = Buffer.alloc(32, 7);
    const oldIndexKey = Buffer.alloc(32, 9);
    const c = new FieldCipher(ring(['k2', KEY_B], [['k1', KEY_A]], indexKey, [oldIndexKey]));
    const current = c.blindIndex('13912345678');
    expect(current).toBe(createHmac('sm3', indexKey).update('13912345678').digest('hex'));
    const candidates = c.blindIndexCandidates('139 1234 5678');
    expect(candidates[0]).toBe(current);
    expect(candidates).toContain(createHmac('sm3', oldIndexKey).update('13912345678').digest('hex'));
    expect(candidates).toContain(legacyIndex(KEY_A, '13912345678'));
    expect(candidates).toContain(legacyIndex(KEY_B, '13912345678'));
    expect(new Set(candidates).size).toBe(candidates.length);
  });

  it('has no extra candidates when nothing is being rotated', () => {
    expect(new FieldCipher(KEY_A).blindIndexCandidates('13912345678')).toEqual([legacyIndex(KEY_A, '13912345678')]);
  });

  it('refuses a ring with a bad key, a bad id or an id twice', () => {
    expect(() => new FieldCipher(Buffer.alloc(8))).toThrow(/16 bytes/);
    expect(() => new FieldCipher(ring(['k:1', KEY_A]))).toThrow(/key id/);
    expect(() => new FieldCipher(ring(['k1', KEY_A], [['k1', KEY_B]]))).toThrow(/twice/);
  });
});

describe('hashes', () => {
  it('computes the SM3 test vector of GB/T 32905 ("abc")', () => {
    expect(hashHex('sm3', 'abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
});

describe('maskPhone', () => {
  it('shows the first 3 and last 4 digits', () => {
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskPhone('123')).toBe('****');
  });
});
