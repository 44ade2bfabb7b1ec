import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

interface SelectedAreaState {
  /** The area chosen in the header; undefined means "all of my areas". */
  areaId: number | undefined;
  setAreaId: (id: number | undefined) => void;
}

const SelectedAreaContext = createContext<SelectedAreaState | null>(null);

function storageKey(userId: number): string {
  return `redgrid.area.${userId}`;
}

function readStored(userId: number): number | undefined {
  try {
    const raw = globalThis.sessionStorage?.getItem(storageKey(userId));
    const id = raw ? Number(raw) : NaN;
    return Number.isSafeInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The header's area choice, shared by every list that filters by area. Kept per user and per
 * browser tab, so a reload keeps it but another account never inherits it.
 */
export function SelectedAreaProvider({ userId, children }: { userId: number; children: ReactNode }) {
  const [areaId, setState] = useState<number | undefined>(() => readStored(userId));
  const setAreaId = useCallback(
    (id: number | undefined) => {
      setState(id);
      try {
        if (id === undefined) globalThis.sessionStorage?.removeItem(storageKey(userId));
        else globalThis.sessionStorage?.setItem(storageKey(userId), String(id));
      } catch {
        // Storage unavailable: the choice lasts until reload.
      }
    },
    [userId],
  );
  const value = useMemo(() => ({ areaId, setAreaId }), [areaId, setAreaId]);
  return <SelectedAreaContext value={value}>{children}</SelectedAreaContext>;
}

export function useSelectedArea(): SelectedAreaState {
  const state = useContext(SelectedAreaContext);
  if (!state) throw new Error('useSelectedArea() needs a SelectedAreaProvider');
  return state;
}
