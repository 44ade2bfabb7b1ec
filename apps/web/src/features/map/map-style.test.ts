// @vitest-environment jsdom
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
  it('applies the same thresholds as balanceStatus', () => {
    const expression = balanceFillExpression(range);
    expect(expression[0]).toBe('case');
    expect(expression).toContain(BALANCE_COLORS.under);
    expect(JSON.stringify(expression)).toContain('["<",["to-number",["get","households"],0],300]');
    expect(JSON.stringify(expression)).toContain('[">",["to-number",["get","households"],0],500]');
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
