import { describe, expect, it } from 'vitest';
import { parseBoundaryFile } from './boundary-file';

const feature = (properties: Record<string, unknown>) => ({ type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [] } });

describe('reading a boundary file', () => {
  it('lists the properties and guesses which hold the code and the name', () => {
    const text = JSON.stringify({ type: 'FeatureCollection', features: [feature({ XZQDM: '320412001001', XZQMC: '站北社区' }), feature({ XZQDM: '320412001002', remark: 'x' })] });
    const read = parseBoundaryFile(`\uFEFF${text}`, 'zb.geojson');
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.file.properties).toEqual(['XZQDM', 'XZQMC', 'remark']);
    expect(read.file.guessCode).toBe('XZQDM');
    expect(read.file.guessName).toBe('XZQMC');
    expect(read.file.collection.features).toHaveLength(2);
  });

  it.each([
    ['not json', '{', 'notJson'],
    ['a single feature', JSON.stringify(feature({ code: '1' })), 'notCollection'],
    ['no features', JSON.stringify({ type: 'FeatureCollection', features: [] }), 'empty'],
  ])('refuses %s', (_name, text, reason) => {
    expect(parseBoundaryFile(text, 'f.json')).toEqual({ ok: false, reason });
  });

  it('leaves the guesses empty when no property looks like a code', () => {
    const read = parseBoundaryFile(JSON.stringify({ type: 'FeatureCollection', features: [feature({ id_x: 1 })] }), 'f.json');
    expect(read.ok && read.file.guessCode).toBeUndefined();
  });
});
