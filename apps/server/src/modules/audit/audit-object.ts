/**
 * What an audit row is about, in words: the object's name and code as the row's own before/after
 * snapshot records them. Pure; the service fills the gaps (rows that hold only an id) from a named lookup.
 */

export interface AuditObject {
  name: string | null;
  code: string | null;
}

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Name and code from the snapshot after the change, else before it; null where the row holds neither. */
export function objectFromSnapshots(entity: string, before: unknown, after: unknown): AuditObject {
  const snapshots = [record(after), record(before)].filter((s): s is Record<string, unknown> => s !== null);
  const pick = (...keys: string[]) => {
    for (const s of snapshots) for (const k of keys) if (text(s[k])) return text(s[k]);
    return null;
  };
  switch (entity) {
    case 'user':
      return { name: pick('displayName'), code: pick('username') };
    case 'api': {
      // A refused request: the route it asked for is its object (platform/refusals.ts).
      const method = pick('method');
      const route = pick('route');
      return { name: route ? `${method ?? ''} ${route}`.trim() : null, code: null };
    }
    default:
      return { name: pick('name'), code: pick('code') };
  }
}
