// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { countByLevel, formatAreaM2, formatBytes, formatDateTime, formatDistance, formatDuration, formatJson, formatShare, greetingPart } from './format';

describe('formatDateTime', () => {
  it('shows YYYY-MM-DD HH:mm in Beijing time, and a dash for nothing', () => {
    const iso = '2026-11-22T06:05:09.000Z';
    expect(formatDateTime(iso, 'zh-CN')).toBe('2026-11-22 14:05');
    expect(formatDateTime(iso, 'zh-CN', true)).toBe('2026-11-22 14:05:09');
    expect(formatDateTime('2026-11-22T16:30:00Z', 'en-US')).toBe('2026-11-23 00:30');
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

describe('formatAreaM2 / formatDistance / formatShare', () => {
  it('switches to km² past ten thousand square metres', () => {
    expect(formatAreaM2(3.4, 'zh-CN')).toBe('3 m²');
    expect(formatAreaM2(9_876.4, 'en-US')).toBe('9,876 m²');
    expect(formatAreaM2(2_528_237, 'zh-CN')).toBe('2.53 km²');
  });
  it('writes metres, then kilometres', () => {
    expect(formatDistance(86.4, 'zh-CN')).toBe('86 m');
    expect(formatDistance(1_250, 'en-US')).toBe('1.3 km');
  });
  it('never rounds an incomplete coverage up to 100%', () => {
    expect(formatShare(0.99996, 'zh-CN')).toBe('99.9%');
    expect(formatShare(1, 'zh-CN')).toBe('100.0%');
  });
});

describe('formatBytes / formatDuration', () => {
  it('sizes files the way file managers do', () => {
    expect(formatBytes(512, 'zh-CN')).toBe('512 B');
    expect(formatBytes(56_273, 'zh-CN')).toBe('55 KB');
    expect(formatBytes(78_302, 'en-US')).toBe('76.5 KB');
    expect(formatBytes(33_240_000, 'zh-CN')).toBe('31.7 MB');
    expect(formatBytes(-1, 'zh-CN')).toBe('—');
  });
  it('reads milliseconds, seconds, then minutes', () => {
    expect(formatDuration(850.4, 'zh-CN')).toBe('850 ms');
    expect(formatDuration(4_321, 'en-US')).toBe('4.3 s');
    expect(formatDuration(125_000, 'zh-CN')).toBe('2 min 05 s');
    expect(formatDuration(Number.NaN, 'zh-CN')).toBe('—');
  });
});
