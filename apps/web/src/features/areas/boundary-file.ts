import type { BoundaryImportInput } from '@redgrid/contracts';

/** A GeoJSON file read in the browser, ready to be sent with the settings the user picks. */
export interface BoundaryFile {
  fileName: string;
  collection: BoundaryImportInput['featureCollection'];
  /** Property names found on the features, in first-seen order. */
  properties: string[];
  /** The property that most likely holds the area code, and the name (undefined when none looks like it). */
  guessCode: string | undefined;
  guessName: string | undefined;
}

export type BoundaryFileProblem = 'tooBig' | 'notJson' | 'notCollection' | 'empty';

/** The server takes up to 32 MiB; larger files are refused before they are read. */
export const BOUNDARY_FILE_MAX_BYTES = 32 * 1024 * 1024;

const CODE_NAMES = ['code', 'areacode', 'area_code', 'xzqdm', 'adcode', 'dm', 'gridcode', 'grid_code', 'bm'];
const NAME_NAMES = ['name', 'areaname', 'area_name', 'xzqmc', 'mc', 'gridname', 'grid_name'];

function guess(properties: readonly string[], candidates: readonly string[]): string | undefined {
  for (const candidate of candidates) {
    const found = properties.find((p) => p.toLowerCase() === candidate);
    if (found) return found;
  }
  return undefined;
}

/** Reads the text of a boundary file: a FeatureCollection with at least one feature. */
export function parseBoundaryFile(text: string, fileName: string): { ok: true; file: BoundaryFile } | { ok: false; reason: BoundaryFileProblem } {
  let parsed: unknown;
  try {
    // A UTF-8 byte-order mark is common in files saved on Windows.
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, reason: 'notJson' };
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { type?: unknown }).type !== 'FeatureCollection' || !Array.isArray((parsed as { features?: unknown }).features)) {
    return { ok: false, reason: 'notCollection' };
  }
  const collection = parsed as BoundaryImportInput['featureCollection'];
  if (collection.features.length === 0) return { ok: false, reason: 'empty' };
  const properties: string[] = [];
  for (const feature of collection.features.slice(0, 200)) {
    for (const key of Object.keys(feature.properties ?? {})) if (!properties.includes(key)) properties.push(key);
  }
  return { ok: true, file: { fileName, collection, properties, guessCode: guess(properties, CODE_NAMES), guessName: guess(properties, NAME_NAMES) } };
}

export async function readBoundaryFile(file: File): Promise<{ ok: true; file: BoundaryFile } | { ok: false; reason: BoundaryFileProblem }> {
  if (file.size > BOUNDARY_FILE_MAX_BYTES) return { ok: false, reason: 'tooBig' };
  return parseBoundaryFile(await file.text(), file.name);
}
