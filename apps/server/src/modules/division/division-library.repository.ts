import { sql, type RawBuilder } from 'kysely';
import { copyFrom, CopySource } from '../../db/copy.ts';
import type { Scope } from '../../platform/context.ts';
import { ownedBy, scopedFrom, type Db } from '../../platform/data-access.ts';
import type { CodeShape } from './division-rules.ts';

/**
 * The division code library: `division_editions` and the partitions of `divisions` are reference
 * data (public statistical codes, owned by no area), so they are queried directly. Only the
 * comparison with the area tree reaches an owned table, and only within the caller's scope.
 */

/** The table an edition's rows live in, a partition of `divisions` once attached. */
function partition(editionId: number): RawBuilder<unknown> {
  if (!Number.isSafeInteger(editionId) || editionId <= 0) throw new Error(`bad edition id ${editionId}`);
  return sql.raw(`division_part_${editionId}`);
}

export interface EditionRow {
  id: number;
  name: string;
  source: string;
  code_length: number;
  row_count: number;
  counts_by_level: unknown;
  max_level: number;
  sha256: string;
  imported_at: Date;
  imported_by: number | null;
}

const COPY_COLUMNS = new Set(['code', 'name', 'level', 'parent_code']);

/** A COPY under way: `sent` settles once the bytes are with the engine, `result` once it has loaded them (it never rejects). */
export interface CopyRun {
  sent: Promise<void>;
  result: Promise<{ rows: number; error: unknown }>;
}

export interface DivisionRow {
  code: number;
  name: string;
  level: number;
  parent_code: number | null;
  has_children: boolean;
}

export interface EditionChange {
  kind: 'added' | 'removed' | 'renamed';
  code: number;
  level: number;
  name: string;
  previous_name: string | null;
}

/** A difference (the query lists no matched rows; it only counts them). */
export interface TreeDiffRow {
  kind: 'missing_in_tree' | 'not_in_edition' | 'name_differs';
  code: number;
  level: number;
  name: string | null;
  area_id: number | null;
  area_name: string | null;
}

/** Whether a division has anything below it: a row in its code range other than itself. */
function hasChildren(editionId: number, shape: CodeShape): RawBuilder<boolean> {
  const spans = shape.significant.map((sig, i) => `WHEN ${i + 1} THEN ${10 ** (shape.length - sig) - 1}`).join(' ');
  return sql<boolean>`EXISTS (SELECT 1 FROM divisions c WHERE c.edition_id = ${editionId} AND c.code > d.code AND c.code <= d.code + CASE d.level ${sql.raw(spans)} ELSE 0 END)`;
}

const COLUMNS = sql`d.code, d.name, d.level, d.parent_code`;

function comparison(from: number, to: number, range: [number, number], maxLevel: number): RawBuilder<unknown> {
  const side = (edition: number) => sql`(SELECT code, name, level FROM divisions WHERE edition_id = ${edition} AND level <= ${maxLevel} AND code BETWEEN ${range[0]} AND ${range[1]})`;
  return sql`(
    SELECT CASE WHEN a.code IS NULL THEN 'added' WHEN b.code IS NULL THEN 'removed' WHEN a.name <> b.name THEN 'renamed' ELSE 'unchanged' END AS kind,
           coalesce(b.code, a.code) AS code, coalesce(b.level, a.level) AS level, coalesce(b.name, a.name) AS name,
           CASE WHEN a.code IS NOT NULL AND b.code IS NOT NULL AND a.name <> b.name THEN a.name END AS previous_name
    FROM ${side(from)} a FULL JOIN ${side(to)} b ON a.code = b.code)`;
}

const TREE_LEVELS = sql`('province', 'city', 'district', 'street', 'community')`;
const TREE_LEVEL_NUMBER = sql.raw(`CASE a.level WHEN 'province' THEN 1 WHEN 'city' THEN 2 WHEN 'district' THEN 3 WHEN 'street' THEN 4 ELSE 5 END`);

export function divisionLibraryRepository(db: Db, scope: Scope) {
  return {
    async listEditions(): Promise<EditionRow[]> {
      const { rows } = await sql<EditionRow>`SELECT e.* FROM division_editions e ORDER BY e.imported_at DESC, e.id DESC`.execute(db);
      return rows;
    },

    async findEdition(by: { id: number } | { name: string }): Promise<EditionRow | undefined> {
      const where = 'id' in by ? sql`e.id = ${by.id}` : sql`e.name = ${by.name}`;
      const { rows } = await sql<EditionRow>`SELECT e.* FROM division_editions e WHERE ${where}`.execute(db);
      return rows[0];
    },

    // -------------------------------------------------------------------------------------------
    // Loading an edition (inside a write unit: `db` is its transaction)

    /** Imports and removals of editions run one at a time; readers are not blocked. */
    async lockEditions(): Promise<void> {
      await sql`LOCK TABLE division_editions IN SHARE ROW EXCLUSIVE MODE`.execute(db);
    },

    /** A new edition row with placeholder figures (the real ones are set once its rows are checked). */
    async insertEdition(e: { name: string; source: string; codeLength: number; sha256: string; importedBy: number | null }): Promise<number> {
      const row = await db
        .insertInto('division_editions')
        .values({ name: e.name, source: e.source, code_length: e.codeLength, row_count: 1, counts_by_level: '{}', max_level: 1, sha256: e.sha256, imported_by: e.importedBy })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    async finishEdition(id: number, figures: { rowCount: number; countsByLevel: Record<string, number>; maxLevel: number }): Promise<void> {
      await db
        .updateTable('division_editions')
        .set({ row_count: figures.rowCount, counts_by_level: JSON.stringify(figures.countsByLevel), max_level: figures.maxLevel })
        .where('id', '=', id)
        .execute();
    },

    /** Detaches and drops an edition's rows and deletes the edition. */
    async dropEdition(id: number): Promise<void> {
      await sql`ALTER TABLE divisions DETACH PARTITION ${partition(id)}`.execute(db);
      await sql`DROP TABLE ${partition(id)}`.execute(db);
      await db.deleteFrom('division_editions').where('id', '=', id).execute();
    },

    /**
     * The table an import fills: the shape of `divisions`, its edition id as default and CHECK, so that
     * attaching it later needs no scan. Index-build memory is raised for this transaction only: the
     * 663,128 keys of the national file are then sorted in memory.
     */
    async createStage(id: number): Promise<void> {
      await sql`SET LOCAL maintenance_work_mem = '256MB'`.execute(db);
      await sql`
        CREATE TABLE ${partition(id)} (
          edition_id bigint NOT NULL DEFAULT ${sql.lit(id)} CHECK (edition_id = ${sql.lit(id)}),
          code bigint,
          name text,
          level smallint,
          parent_code bigint
        )`.execute(db);
    },

    /**
     * Starts loading the file's UTF-8 bytes with COPY (db/copy.ts, on this unit's transaction);
     * `columns` is the header's order. The caller may work while the engine loads them. FREEZE,
     * allowed because the table was created in this transaction, writes the rows already frozen and
     * visible to all: the index build and the checks that read them next have no hint bits to set
     * (10–20 % of their time).
     */
    copyStage(id: number, columns: readonly string[], bytes: Uint8Array): CopyRun {
      if (!columns.every((c) => COPY_COLUMNS.has(c))) throw new Error(`unknown columns ${columns.join(',')}`);
      const statement = `COPY division_part_${id} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8', FREEZE true)`;
      const source = new CopySource(bytes);
      const result = copyFrom(db, statement, source).then(
        (rows) => ({ rows, error: null as unknown }),
        (error: unknown) => ({ rows: 0, error }),
      );
      return { sent: source.sent, result };
    },

    /** The unique index on code: lookups by code and by code range, and the last word on duplicates. */
    async indexStage(id: number): Promise<void> {
      await sql`CREATE UNIQUE INDEX ${sql.raw(`division_part_${id}_code`)} ON ${partition(id)} (code)`.execute(db);
    },

    async attachStage(id: number): Promise<void> {
      await sql`ALTER TABLE divisions ATTACH PARTITION ${partition(id)} FOR VALUES IN (${sql.lit(id)})`.execute(db);
    },

    // -------------------------------------------------------------------------------------------
    // Reading an edition

    async findDivision(editionId: number, code: number): Promise<{ code: number; name: string; level: number; parent_code: number | null } | undefined> {
      const { rows } = await sql<{ code: number; name: string; level: number; parent_code: number | null }>`
        SELECT ${COLUMNS} FROM divisions d WHERE d.edition_id = ${editionId} AND d.code = ${code}`.execute(db);
      return rows[0];
    },

    async childrenOf(editionId: number, shape: CodeShape, parent: { code: number; range: [number, number] } | null, limit: number): Promise<DivisionRow[]> {
      const where = parent
        ? sql`d.code BETWEEN ${parent.range[0]} AND ${parent.range[1]} AND d.parent_code = ${parent.code}`
        : sql`d.parent_code IS NULL`;
      const { rows } = await sql<DivisionRow>`
        SELECT ${COLUMNS}, ${hasChildren(editionId, shape)} AS has_children
        FROM divisions d WHERE d.edition_id = ${editionId} AND ${where}
        ORDER BY d.code LIMIT ${limit}`.execute(db);
      return rows;
    },

    async searchDivisions(editionId: number, shape: CodeShape, match: { range: [number, number] } | { name: string }, limit: number): Promise<DivisionRow[]> {
      const where =
        'range' in match
          ? sql`d.code BETWEEN ${match.range[0]} AND ${match.range[1]}`
          : sql`d.name LIKE ${'%' + match.name.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`;
      const { rows } = await sql<DivisionRow>`
        SELECT ${COLUMNS}, ${hasChildren(editionId, shape)} AS has_children
        FROM divisions d WHERE d.edition_id = ${editionId} AND ${where}
        ORDER BY d.level, d.code LIMIT ${limit}`.execute(db);
      return rows;
    },

    async divisionsByCodes(editionId: number, codes: readonly number[]): Promise<{ code: number; name: string; level: number }[]> {
      if (codes.length === 0) return [];
      const { rows } = await sql<{ code: number; name: string; level: number }>`
        SELECT d.code, d.name, d.level FROM divisions d
        WHERE d.edition_id = ${editionId} AND d.code = ANY(${sql.val([...codes])}::bigint[])`.execute(db);
      return rows;
    },

    /** A division and everything under it down to `maxLevel`, parents before children. */
    async subtree(editionId: number, range: [number, number], maxLevel: number): Promise<{ code: number; name: string; level: number; parent_code: number | null }[]> {
      const { rows } = await sql<{ code: number; name: string; level: number; parent_code: number | null }>`
        SELECT ${COLUMNS} FROM divisions d
        WHERE d.edition_id = ${editionId} AND d.code BETWEEN ${range[0]} AND ${range[1]} AND d.level <= ${maxLevel}
        ORDER BY d.level, d.code`.execute(db);
      return rows;
    },

    async compareEditions(from: number, to: number, range: [number, number], maxLevel: number, limit: number): Promise<{ counts: Record<string, number>; changes: EditionChange[] }> {
      const diff = comparison(from, to, range, maxLevel);
      const counted = await sql<{ kind: string; n: number }>`SELECT kind, count(*)::int AS n FROM ${diff} x GROUP BY kind`.execute(db);
      const listed = await sql<EditionChange>`SELECT * FROM ${diff} x WHERE kind <> 'unchanged' ORDER BY code LIMIT ${limit}`.execute(db);
      return { counts: Object.fromEntries(counted.rows.map((r) => [r.kind, r.n])), changes: listed.rows };
    },

    // -------------------------------------------------------------------------------------------
    // The area tree against an edition (areas are owned: within the caller's scope only)

    /** An area the caller may see, or undefined. */
    area(id: number): Promise<{ id: number; code: string; name: string; level: string; path: string } | undefined> {
      return scopedFrom(db, scope, 'areas').select(['id', 'code', 'name', 'level', 'path']).where('id', '=', id).executeTakeFirst();
    },

    /** An area's subtree (division levels, active, 12-digit codes) against the edition under its code. */
    async treeDiff(editionId: number, area: { path: string; range: [number, number] }, limit: number): Promise<{ counts: Record<string, number>; items: TreeDiffRow[] }> {
      const diff = sql`(
        SELECT CASE WHEN t.id IS NULL THEN 'missing_in_tree' WHEN d.code IS NULL THEN 'not_in_edition' WHEN t.name <> d.name THEN 'name_differs' ELSE 'matched' END AS kind,
               coalesce(d.code, t.code) AS code, coalesce(d.level, t.level) AS level, d.name, t.id AS area_id, t.name AS area_name
        FROM (SELECT code, name, level FROM divisions WHERE edition_id = ${editionId} AND code BETWEEN ${area.range[0]} AND ${area.range[1]}) d
        FULL JOIN (
          SELECT a.id, a.code::bigint AS code, a.name, ${TREE_LEVEL_NUMBER} AS level FROM areas a
          WHERE ${ownedBy(scope, 'areas as a')} AND a.path LIKE ${area.path + '%'} AND a.status = 'active' AND a.level IN ${TREE_LEVELS} AND a.code ~ '^[1-9][0-9]{11}$'
        ) t ON t.code = d.code)`;
      const counted = await sql<{ kind: string; n: number }>`SELECT kind, count(*)::int AS n FROM ${diff} x GROUP BY kind`.execute(db);
      const listed = await sql<TreeDiffRow>`SELECT * FROM ${diff} x WHERE kind <> 'matched' ORDER BY code LIMIT ${limit}`.execute(db);
      return { counts: Object.fromEntries(counted.rows.map((r) => [r.kind, r.n])), items: listed.rows };
    },
  };
}

export type DivisionLibraryRepository = ReturnType<typeof divisionLibraryRepository>;
