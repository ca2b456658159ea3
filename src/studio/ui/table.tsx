import type { ReactNode } from 'react';

export interface Column<Row> {
  /** Stable key of the column. */
  key: string;
  header: ReactNode;
  cell(row: Row): ReactNode;
  /** Right-aligned figures. */
  numeric?: boolean;
  /** Sorting: the current direction, or undefined when the column can be sorted but is not. */
  sort?: { direction: 'ASC' | 'DESC' | null; onSort(): void };
}

/**
 * A plain accessible table: a caption, column headers with aria-sort, and
 * sort buttons in the headers (reachable with Tab, activated with Enter or Space).
 */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  empty = 'Nothing to show.',
}: {
  caption: ReactNode;
  columns: Column<Row>[];
  rows: Row[];
  rowKey(row: Row): string;
  empty?: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th
                key={column.key}
                scope="col"
                className={column.numeric ? 'numeric' : undefined}
                aria-sort={
                  column.sort?.direction === 'ASC'
                    ? 'ascending'
                    : column.sort?.direction === 'DESC'
                      ? 'descending'
                      : undefined
                }
              >
                {column.sort ? (
                  <button type="button" className="sort-button" onClick={column.sort.onSort}>
                    {column.header}
                    <span aria-hidden="true">
                      {column.sort.direction === 'ASC'
                        ? ' ▲'
                        : column.sort.direction === 'DESC'
                          ? ' ▼'
                          : ' ↕'}
                    </span>
                  </button>
                ) : (
                  column.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((column) => (
                  <td key={column.key} className={column.numeric ? 'numeric' : undefined}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
