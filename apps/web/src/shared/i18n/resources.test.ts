import { describe, expect, it } from 'vitest';
import { enUS, zhCN } from './resources';

type Tree = { [key: string]: string | Tree };

/** Every string of a dictionary by its dotted key. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort();

const zh = flatten(zhCN);
const en = flatten(enUS);
const sections = Object.keys(zhCN);

describe('translations', () => {
  // The types already refuse a missing key; this also guards values built at run time.
  it.each(sections)('%s: the same keys in Chinese and English', (section) => {
    const keys = (all: Map<string, string>) => [...all.keys()].filter((k) => k.startsWith(`${section}.`)).sort();
    expect(keys(en)).toEqual(keys(zh));
  });

  // A placeholder lost in translation shows the raw "{{count}}" or drops the value.
  it.each(sections)('%s: the same placeholders in both languages', (section) => {
    for (const [key, text] of zh) {
      if (!key.startsWith(`${section}.`)) continue;
      expect(text, key).not.toBe('');
      expect(placeholders(en.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });
});
