// @vitest-environment jsdom
import { expression } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import { areaTileUrl, BALANCE_COLORS, balanceColor, balanceFillExpression, balanceStatus, buildMapStyle, LAYERS } from './map-style';

const range = { min: 300, max: 500 };

describe('balanceStatus', () => {
  it.each([
    [0, 'under'],
    [299, 'under'],
    [300, 'in'],
    [420, 'in'],
    [500, 'in'],
    [501, 'over'],
    [null, 'under'],
    [undefined, 'under'],
  ] as const)('%s households → %s', (households, status) => {
    expect(balanceStatus(households, range)).toBe(status);
    expect(balanceColor(households, range)).toBe(BALANCE_COLORS[status]);
  });
});

describe('balanceFillExpression', () => {
  // Evaluated by MapLibre's own expression engine, as the map will.
  const colourOf = (properties: Record<string, number>) => {
    const compiled = expression.createExpression(balanceFillExpression(range), 'fill-color');
    if (compiled.result !== 'success') throw new Error(JSON.stringify(compiled.value));
    return String(compiled.value.evaluate({ zoom: 12 }, { type: 'Polygon', properties }));
  };

  it('applies the default range to a grid whose tile carries none', () => {
    expect(colourOf({ households: 250 })).toBe(BALANCE_COLORS.under);
    expect(colourOf({ households: 400 })).toBe(BALANCE_COLORS.in);
    expect(colourOf({ households: 620 })).toBe(BALANCE_COLORS.over);
  });

  it('uses the grid’s own range when the tile carries one', () => {
    expect(colourOf({ households: 250, min: 200, max: 260 })).toBe(BALANCE_COLORS.in);
    expect(colourOf({ households: 400, min: 100, max: 300 })).toBe(BALANCE_COLORS.over);
  });
});

describe('buildMapStyle', () => {
  it('needs nothing from outside: no glyphs, no sprite, only our own tiles', () => {
    const style = buildMapStyle({ tileUrl: areaTileUrl('https://x.gov.cn', 0), baseMapUrl: null, range });
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(style.layers.some((l) => l.type === 'symbol')).toBe(false);
    expect(style.sources['areas']).toMatchObject({ type: 'vector', tiles: ['https://x.gov.cn/api/tiles/areas/{z}/{x}/{y}.mvt'], maxzoom: 16 });
    expect(style.sources['base']).toBeUndefined();
  });

  it('adds the base map under the boundaries when one is configured', () => {
    const style = buildMapStyle({ tileUrl: areaTileUrl('', 3), baseMapUrl: 'https://tiles.example/{z}/{x}/{y}.png', range });
    const ids = style.layers.map((l) => l.id);
    expect(ids.indexOf('base')).toBeLessThan(ids.indexOf(LAYERS.scopeFill));
    expect(style.sources['areas']).toMatchObject({ tiles: ['/api/tiles/areas/{z}/{x}/{y}.mvt?v=3'] });
  });
});
