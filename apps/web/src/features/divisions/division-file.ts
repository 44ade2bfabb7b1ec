/**
 * What the import dialog works out from a division file's name before sending it: the
 * Content-Type the server reads it by, and a likely edition name.
 */

export type DivisionFileContentType = 'text/csv' | 'application/gzip';

/** Extensions the file picker offers; the server reads nothing else. */
export const DIVISION_FILE_ACCEPT = '.csv,.gz';

/**
 * The Content-Type to send a division file with: plain CSV as `text/csv`, a gzipped one
 * (`.csv.gz`, six times smaller to upload) as `application/gzip`; null for any other file.
 * Browsers guess `File.type` from the OS (often empty for .gz, `application/vnd.ms-excel` for .csv
 * on Windows), so the name decides.
 */
export function divisionFileContentType(fileName: string): DivisionFileContentType | null {
  const name = fileName.trim().toLowerCase();
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.gz')) return 'application/gzip';
  return null;
}

// Division editions are named by year: GB/T 2260 began in 1980, and 2099 is far enough.
const FIRST_YEAR = 1980;
const LAST_YEAR = 2099;

/**
 * The edition year a file name carries (china_5level_2021.csv.gz -> "2021"), or '' when none.
 * Only a run of exactly four digits counts, and only as a plausible year, so the region code in
 * changzhou_3204_5level_2021.csv and the standard's number in gbt2260_county_2024.csv are passed
 * over. With several years the last wins: names end with the edition, as in areas_2021_2023.csv.
 */
export function guessEditionName(fileName: string): string {
  let year = '';
  for (const match of fileName.matchAll(/(?<!\d)\d{4}(?!\d)/g)) {
    const value = Number(match[0]);
    if (value >= FIRST_YEAR && value <= LAST_YEAR) year = match[0];
  }
  return year;
}

/** The `source` recorded with an edition: the file's name, cut to the contract's 200 characters. */
export function editionSource(fileName: string): string {
  return fileName.trim().slice(0, 200);
}
