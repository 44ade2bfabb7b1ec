// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { countByLevel, formatDateTime, formatJson, greetingPart } from './format';

describe('formatDateTime', () => {
  it('shows YYYY-MM-DD HH:mm in local time, and a dash for nothing', () => {
    const iso = new Date(2026, 10, 22, 14, 5, 9).toISOString();
    expect(formatDateTime(iso, 'zh-CN')).toBe('2026-11-22 14:05');
    expect(formatDateTime(iso, 'zh-CN', true)).toBe('2026-11-22 14:05:09');
    expect(formatDateTime(null, 'zh-CN')).toBe('—');
    expect(formatDateTime('not a date', 'en-US')).toBe('—');
  });
});

describe('countByLevel', () => {
  it('counts per level, top level first', () => {
    const areas = [{ level: 'community' }, { level: 'street' }, { level: 'community' }, { level: 'grid' }] as const;
    expect(countByLevel(areas)).toEqual([
      { level: 'street', count: 1 },
      { level: 'community', count: 2 },
      { level: 'grid', count: 1 },
    ]);
  });
});

describe('formatJson / greetingPart', () => {
  it('pretty-prints objects and leaves nothing empty', () => {
    expect(formatJson({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(formatJson(null)).toBe('');
  });
  it('greets by the hour', () => {
    expect(greetingPart(8)).toBe('greetingMorning');
    expect(greetingPart(13)).toBe('greetingAfternoon');
    expect(greetingPart(20)).toBe('greetingEvening');
  });
});
