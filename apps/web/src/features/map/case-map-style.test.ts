import { describe, expect, it } from 'vitest';
import { bboxParam, caseTone, clusterTone, withTones } from './case-map-style';

describe('caseTone', () => {
  it.each([
    [{ supervision: 'red', alarm: 'none', urgency: 'normal' }, 'red'],
    [{ supervision: null, alarm: 'red', urgency: 'normal' }, 'red'],
    // Overdue beats everything else, whatever the urgency or a lesser card.
    [{ supervision: 'yellow', alarm: 'red', urgency: 'emergency' }, 'red'],
    [{ supervision: null, alarm: 'yellow', urgency: 'urgent' }, 'amber'],
    [{ supervision: 'yellow', alarm: 'none', urgency: 'normal' }, 'amber'],
    [{ supervision: 'ordinary', alarm: 'none', urgency: 'urgent' }, 'orange'],
    [{ supervision: null, alarm: 'none', urgency: 'emergency' }, 'orange'],
    [{ supervision: null, alarm: 'none', urgency: 'normal' }, 'blue'],
    [{ supervision: 'ordinary', alarm: 'none', urgency: 'normal' }, 'blue'],
  ] as const)('%j is %s', (p, tone) => {
    expect(caseTone(p)).toBe(tone);
  });

  it('gives a cluster the colour of its most pressing case', () => {
    expect(clusterTone({ blue: 40, orange: 2, amber: 1 })).toBe('amber');
    expect(clusterTone({ blue: 3, red: 1 })).toBe('red');
    expect(clusterTone({ blue: 3 })).toBe('blue');
    expect(clusterTone({})).toBe('blue');
  });

  it('puts the tone on each feature for the map', () => {
    const [f] = withTones([{ type: 'Feature', id: 7, geometry: { type: 'Point', coordinates: [119.97, 31.78] }, properties: { id: 7, caseNo: 'SJ1', title: 't', itemName: 'i', urgency: 'urgent', alarm: 'none', supervision: null, state: 'reported', dueRedAt: null } }]);
    expect(f).toMatchObject({ id: 7, geometry: { coordinates: [119.97, 31.78] }, properties: { tone: 'orange', caseNo: 'SJ1' } });
  });
});

describe('bboxParam', () => {
  it('rounds the view outward so small pans ask the same question', () => {
    expect(bboxParam({ west: 119.9712, south: 31.7755, east: 119.9898, north: 31.7901 })).toBe('119.97,31.77,119.99,31.8');
    expect(bboxParam({ west: 119.9731, south: 31.7761, east: 119.9899, north: 31.7999 })).toBe('119.97,31.77,119.99,31.8');
  });

  it('stays inside the ranges the server accepts, even zoomed out past the world', () => {
    expect(bboxParam({ west: -400, south: -95, east: 400, north: 95 })).toBe('-180,-90,180,90');
  });
});
