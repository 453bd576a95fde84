import type pg from 'pg';
import { BackupError } from './errors.js';

/** A base table of schema `public`, as the backup reads and the restore writes it. */
export interface TableInfo {
  name: string;
  /** Stored columns in table order (generated columns are recomputed, never copied). */
  columns: string[];
  /** The primary key's columns (empty for a table without one). */
  primaryKey: string[];
  /** Columns whose values are collated (text-like): ordered byte-wise so every server sorts alike. */
  collatable: Set<string>;
  /** Serial and identity columns with their sequences, reset after a restore. */
  sequences: { column: string; sequence: string }[];
  /** Other `public` tables this one has foreign keys to. */
  references: string[];
}

interface CatalogRow {
  name: string;
  columns: { name: string; collatable: boolean; generated: boolean; sequence: string | null }[];
  primary_key: string[] | null;
  references: string[] | null;
}

// Derived from the catalog, not from a list, so a table added by a migration is backed up unasked.
const TABLES_SQL = `
select c.relname as name,
  (select json_agg(json_build_object(
            'name', a.attname,
            'collatable', t.typcollation <> 0,
            'generated', a.attgenerated <> '',
            'sequence', pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname))
          order by a.attnum)
     from pg_attribute a join pg_type t on t.oid = a.atttypid
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
  (select array_agg(a.attname::text order by k.position)
     from pg_constraint p
     cross join unnest(p.conkey) with ordinality as k(attnum, position)
     join pg_attribute a on a.attrelid = p.conrelid and a.attnum = k.attnum
    where p.conrelid = c.oid and p.contype = 'p') as primary_key,
  (select array_agg(distinct r.relname::text)
     from pg_constraint f join pg_class r on r.oid = f.confrelid
    where f.conrelid = c.oid and f.contype = 'f' and r.relnamespace = c.relnamespace and r.oid <> c.oid) as references
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
order by c.relname`;

export async function readTables(client: pg.ClientBase): Promise<TableInfo[]> {
  const { rows } = await client.query<CatalogRow>(TABLES_SQL);
  return rows.map((row) => ({
    name: row.name,
    columns: row.columns.filter((column) => !column.generated).map((column) => column.name),
    primaryKey: row.primary_key ?? [],
    collatable: new Set(row.columns.filter((column) => column.collatable).map((column) => column.name)),
    sequences: row.columns.flatMap((column) => (column.sequence ? [{ column: column.name, sequence: column.sequence }] : [])),
    references: row.references ?? [],
  }));
}

/**
 * Parents before children, so a restore can load table after table with every foreign key checked.
 * Ties go alphabetically, so the order is the same on every run. A cycle cannot be loaded that way
 * (the engine's schema has none) and is refused.
 */
export function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  let remaining = [...tables].sort((a, b) => (a.name < b.name ? -1 : 1));
  while (remaining.length > 0) {
    const ready = remaining.filter((table) => table.references.every((parent) => placed.has(parent) || !byName.has(parent)));
    if (ready.length === 0) {
      throw new BackupError(`These tables reference each other in a cycle and cannot be restored in order: ${remaining.map((table) => table.name).join(', ')}`);
    }
    for (const table of ready) {
      ordered.push(table);
      placed.add(table.name);
    }
    remaining = remaining.filter((table) => !placed.has(table.name));
  }
  return ordered;
}

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const qualifiedName = (table: string): string => `public.${quoteIdentifier(table)}`;

/**
 * The COPY that reads a table: its columns in the given order, rows in primary key order with text
 * compared byte-wise (COLLATE "C"), so the same rows give the same bytes on any server and locale.
 */
export function copyOutSql(table: TableInfo, columns = table.columns): string {
  const orderBy =
    table.primaryKey.length > 0
      ? table.primaryKey.map((column) => `${quoteIdentifier(column)}${table.collatable.has(column) ? ' collate "C"' : ''}`).join(', ')
      : // No key: the whole row's text orders it (equal rows are interchangeable).
        `${quoteIdentifier(table.name)}::text collate "C"`;
  return `copy (select ${columns.map(quoteIdentifier).join(', ')} from ${qualifiedName(table.name)} order by ${orderBy}) to stdout`;
}

export function copyInSql(table: string, columns: string[]): string {
  return `copy ${qualifiedName(table)} (${columns.map(quoteIdentifier).join(', ')}) from stdin`;
}
