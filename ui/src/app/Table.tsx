import type { ReactNode } from 'react';

interface TableProps {
  /** Column headings; an empty string is the unlabelled actions column. */
  columns: readonly string[];
  children: ReactNode;
  testId?: string;
  dense?: boolean;
}

/** The dashboard's list table: headings, then the caller's rows. */
export function Table({ columns, children, testId, dense = false }: TableProps) {
  return (
    <table className={dense ? 'table table--dense' : 'table'} data-testid={testId}>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={column || `actions-${index}`} scope="col">
              {column || <span className="visually-hidden">Actions</span>}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

interface QueryLike {
  isPending: boolean;
  error: Error | null;
}

/** What a list shows before its data: "Loading keys…", or why it failed. */
export function QueryFallback({ query, what }: { query: QueryLike; what: string }) {
  if (query.error) return <p className="note note--error">{query.error.message}</p>;
  return <p className="muted">Loading {what}…</p>;
}
