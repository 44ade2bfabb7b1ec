import { describe, expect, it } from 'vitest';
import { FieldCipher, hashHex, maskPhone } from './crypto.ts';

const cipher = new FieldCipher(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));

describe('field encryption (SM4)', () => {
  it('round-trips and never repeats a ciphertext', () => {
    const a = cipher.encrypt('320412199001011234');
    const b = cipher.encrypt('320412199001011234');
    expect(a).not.toBe(b);
    expect(a.startsWith('sm4:')).toBe(true);
    expect(cipher.decrypt(a)).toBe('320412199001011234');
  });

  it('fails loudly with the wrong key, every time', () => {
    const other = new FieldCipher(Buffer.from('ffeeddccbbaa99887766554433221100', 'hex'));
    for (let i = 0; i < 500; i += 1) expect(() => other.decrypt(cipher.encrypt('13912345678'))).toThrow(/integrity/);
  });

  it('refuses a value whose ciphertext was altered', () => {
    const [scheme, iv, ct, tag] = cipher.encrypt('13912345678').split(':');
    const bytes = Buffer.from(ct ?? '', 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(() => cipher.decrypt([scheme, iv, bytes.toString('base64'), tag].join(':'))).toThrow(/integrity/);
  });

  it('builds a blind index that ignores spacing and case, and differs by key', () => {
    expect(cipher.blindIndex('3204121990 0101123x')).toBe(cipher.blindIndex('32041219900101123X'));
    const other = new FieldCipher(Buffer.from('ffeeddccbbaa99887766554433221100', 'hex'));
    expect(other.blindIndex('13912345678')).not.toBe(cipher.blindIndex('13912345678'));
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
