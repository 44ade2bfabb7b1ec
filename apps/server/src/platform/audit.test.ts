import { describe, expect, it } from 'vitest';
import { AuditKeys, canonicalJson, chainHash } from './audit.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth so jsonb round trips hash the same', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('drops undefined and writes dates as ISO strings', () => {
    expect(canonicalJson({ a: undefined, at: new Date('2026-01-02T03:04:05.000Z') })).toBe('{"at":"2026-01-02T03:04:05.000Z"}');
  });
});

describe('chainHash', () => {
  const base = {
    id: 1, at: '2026-01-01T00:00:00.000Z', actorId: 1, actorName: 'admin', action: 'create', entity: 'user', entityId: '2',
    areaId: 3, ip: '127.0.0.1', requestId: 'r', before: null, after: { a: 1 }, prevHash: '0'.repeat(64), alg: 'sm3' as const,
  };
  it('changes when any field or the previous hash changes', () => {
    const h = chainHash(base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash({ ...base, actorName: 'other' })).not.toBe(h);
    expect(chainHash({ ...base, after: { a: 2 } })).not.toBe(h);
    expect(chainHash({ ...base, prevHash: '1'.repeat(64) })).not.toBe(h);
    expect(chainHash({ ...base, alg: 'sha256' })).not.toBe(h);
  });
});

describe('keyed chain hash and the audit keys', () => {
  const base = {
    id: 1, at: '2026-01-01T00:00:00.000Z', actorId: 1, actorName: 'admin', action: 'create', entity: 'user', entityId: '2',
    areaId: 3, ip: '127.0.0.1', requestId: 'r', before: null, after: { a: 1 }, prevHash: '0'.repeat(64), alg: 'hmac-sm3' as const,
  };
  const keys = new AuditKeys(Buffer.alloc(32, 1));

  it('cannot be made without the key, and differs by key and from the plain hash', () => {
    expect(() => chainHash(base)).toThrow(/audit key/);
    const h = chainHash(base, keys);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(base, new AuditKeys(Buffer.alloc(32, 2)))).not.toBe(h);
    expect(chainHash({ ...base, alg: 'sm3' })).not.toBe(h);
    expect(chainHash({ ...base, alg: 'hmac-sha256' }, keys)).not.toBe(h);
  });

  it('derives one SM2 key pair per audit key, distinct from the HMAC keys', () => {
    const again = new AuditKeys(Buffer.alloc(32, 1));
    expect(again.signing).toEqual(keys.signing);
    expect(keys.signing.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(new AuditKeys(Buffer.alloc(32, 2)).signing.publicKey).not.toBe(keys.signing.publicKey);
    expect(keys.row.equals(keys.head)).toBe(false);
  });
});
