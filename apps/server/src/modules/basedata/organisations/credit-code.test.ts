import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, parseCreditCode } from './credit-code.ts';

describe('统一社会信用代码', () => {
  it('accepts real codes and normalises spacing and case', () => {
    // A published code (a Fuzhou enterprise).
    expect(parseCreditCode('91350100M000100Y43')).toEqual({ ok: true, value: '91350100M000100Y43' });
    expect(parseCreditCode(' 91350100m000100y43 ')).toEqual({ ok: true, value: '91350100M000100Y43' });
    expect(parseCreditCode('９１３５０１００Ｍ０００１００Ｙ４３')).toEqual({ ok: true, value: '91350100M000100Y43' });
  });

  it('refuses a wrong check character and names the right one', () => {
    const r = parseCreditCode('91350100M000100Y44');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('第 18 位应为“3”');
  });

  it('refuses wrong lengths and letters outside the alphabet', () => {
    const short = parseCreditCode('91350100M000100Y4');
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.reason).toContain('18 位');
    const bad = parseCreditCode('91350100M0001O0Y43');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toContain('第 14 位“O”');
  });

  it('maps a computed 31 to 0', () => {
    // Any prefix whose weighted sum is a multiple of 31 has check character 0.
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
  });
});
