import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { operation } from '../graphql';
import { useQuery } from '../hooks';
import { href, navigate } from '../router';
import { humanKey } from '../ui/bars';
import { ErrorBanner } from '../ui/error-banner';
import { amount, count, Page, Panel, percent } from '../ui/layout';
import { Loading } from '../ui/loading';
import { SelectField } from '../ui/select-field';
import type { PageProps } from '../router';
import './analysis.css';

/** The market map's axes (the API's Dimension enum), as a marketer names them. */
export const DIMENSIONS = [
  ['AGE_BAND', 'Age band'],
  ['COUNTRY', 'Country'],
  ['REGION', 'Region'],
  ['GENDER', 'Gender'],
  ['LIFECYCLE_STAGE', 'Lifecycle stage'],
  ['RFM_SEGMENT', 'RFM segment'],
  ['PREFERRED_CHANNEL', 'Preferred channel'],
  ['PERSONA', 'Persona'],
  ['INDUSTRY', 'Industry'],
  ['COMPANY_SIZE_BAND', 'Company size'],
  ['JOB_FUNCTION', 'Job function'],
  ['ACQUISITION_SOURCE', 'Acquisition source'],
] as const;
type Dimension = (typeof DIMENSIONS)[number][0];

const METRICS = {
  customers: { label: 'Customers', format: count },
  // Whole currency units: a map of 50 columns stays legible (cents are in the cell's title).
  revenue: { label: 'Revenue', format: (value: number) => count(Math.round(value)) },
  revenuePerCustomer: { label: 'Revenue per customer', format: amount },
  share: { label: 'Share of the map', format: percent },
} as const;
type Metric = keyof typeof METRICS;
const METRIC_CHOICES = Object.entries(METRICS).map(([value, { label }]) => [value as Metric, label] as const);

interface Cell {
  row: string;
  column: string;
  customers: number;
  revenue: number;
  revenuePerCustomer: number;
  share: number;
  filter: unknown;
}

const MARKET_MAP = operation<
  {
    marketMap: { total: number; rows: string[]; columns: string[]; cells: Cell[] };
    personas: Array<{ id: string; name: string }>;
  },
  { rows: Dimension; columns: Dimension | null }
>(`query StudioMarketMap($rows: Dimension!, $columns: Dimension) {
  marketMap(rows: $rows, columns: $columns) {
    total rows columns
    cells { row column customers revenue revenuePerCustomer share filter }
  }
  personas { id name }
}`);

/**
 * The link that opens the builder on a cell: the cell's filter without the
 * map's own (empty) part, so the builder shows just the two keys.
 */
export function builderHref(filter: unknown): string {
  let shown = filter;
  if (shown && typeof shown === 'object' && Array.isArray((shown as { and?: unknown[] }).and)) {
    const parts = (shown as { and: unknown[] }).and.filter(
      (part) => !(part && typeof part === 'object' && Object.keys(part).length === 0),
    );
    shown = parts.length === 1 ? parts[0] : { and: parts };
  }
  return href('/builder', { filter: JSON.stringify(shown), from: 'map' });
}

/**
 * The fill of a cell: light to dark blue as the value grows. Lightness skips
 * the middle band where neither dark nor white text reaches a 4.5:1 contrast,
 * so every label stays readable.
 */
function heat(t: number): { background: string; color: string } {
  const lightness = 97 - t * 75;
  // At this hue and saturation, dark ink reaches 4.5:1 from 60 % lightness up, white from 48 % down.
  if (lightness >= 60) return { background: `hsl(214 72% ${lightness}%)`, color: '#1d2430' };
  return { background: `hsl(214 72% ${Math.min(lightness, 46)}%)`, color: '#ffffff' };
}

const isDimension = (value: string | null): value is Dimension =>
  DIMENSIONS.some(([dimension]) => dimension === value);

/** The map's settings live in the fragment (#/map?rows=COUNTRY&columns=RFM_SEGMENT&metric=revenue): a map is a link. */
export function MapPage({ query }: PageProps) {
  const rowsParam = query.get('rows');
  const columnsParam = query.get('columns');
  const metricParam = query.get('metric');
  const rows: Dimension = isDimension(rowsParam) ? rowsParam : 'AGE_BAND';
  const columns: Dimension | '' =
    columnsParam === '' ? '' : isDimension(columnsParam) ? columnsParam : 'LIFECYCLE_STAGE';
  const metric: Metric = metricParam && metricParam in METRICS ? (metricParam as Metric) : 'customers';
  const show = (change: { rows?: Dimension; columns?: Dimension | ''; metric?: Metric }) =>
    navigate('/map', { rows, columns, metric, ...change });
  const answer = useQuery(MARKET_MAP, { rows, columns: columns === '' ? null : columns });
  const map = answer.data?.marketMap;
  const names = useMemo(
    () => new Map((answer.data?.personas ?? []).map((persona) => [persona.id, persona.name])),
    [answer.data],
  );
  const label = (dimension: Dimension | '', key: string) =>
    dimension === 'PERSONA'
      ? (names.get(key) ?? key)
      : key === 'all' && dimension === ''
        ? 'All'
        : humanKey(key);

  return (
    <Page title="Market map">
      <form
        className="panel map-controls"
        onSubmit={(event) => event.preventDefault()}
        aria-label="Map settings"
      >
        <SelectField
          id="map-rows"
          label="Rows"
          value={rows}
          choices={DIMENSIONS}
          onChange={(value) => show({ rows: value as Dimension })}
        />
        <SelectField
          id="map-columns"
          label="Columns"
          value={columns}
          choices={DIMENSIONS}
          none="None (one column)"
          onChange={(value) => show({ columns: value })}
        />
        <SelectField
          id="map-metric"
          label="Metric"
          value={metric}
          choices={METRIC_CHOICES}
          onChange={(value) => show({ metric: value as Metric })}
        />
        {map && (
          <p className="muted map-total">
            {count(map.total)} customers · {map.rows.length} × {map.columns.length} cells
          </p>
        )}
      </form>
      <ErrorBanner error={answer.error} title="The map could not be drawn" />
      {answer.loading && !map && <Loading label="Counting every cell…" />}
      {map && (
        <Panel title={`${METRICS[metric].label} by ${dimensionName(rows)} and ${dimensionName(columns)}`}>
          <p className="muted">
            Each cell is a potential segment: open it in the builder to refine and save it (arrow keys move
            between cells, Enter opens one).
          </p>
          <Heatmap
            rowsTitle={dimensionName(rows)}
            columnsTitle={dimensionName(columns)}
            rows={map.rows}
            columns={map.columns}
            cells={map.cells}
            metric={metric}
            label={(axis, key) => label(axis === 'row' ? rows : columns, key)}
            busy={answer.loading}
          />
        </Panel>
      )}
    </Page>
  );
}

function dimensionName(dimension: Dimension | ''): string {
  if (dimension === '') return 'nothing';
  const name = DIMENSIONS.find(([value]) => value === dimension)![1];
  // "Age band" reads "age band" mid-sentence, "RFM segment" keeps its acronym.
  return /^[A-Z][a-z]/.test(name) ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

function Heatmap({
  rowsTitle,
  columnsTitle,
  rows,
  columns,
  cells,
  metric,
  label,
  busy,
}: {
  rowsTitle: string;
  columnsTitle: string;
  rows: string[];
  columns: string[];
  cells: Cell[];
  metric: Metric;
  label(axis: 'row' | 'column', key: string): string;
  busy: boolean;
}) {
  const table = useRef<HTMLTableElement>(null);
  // Roving focus: one cell is in the tab order, arrow keys move it (the grid pattern).
  const [active, setActive] = useState<[number, number]>([0, 0]);
  const byKey = new Map(cells.map((cell) => [JSON.stringify([cell.row, cell.column]), cell]));
  const values = cells.map((cell) => cell[metric]);
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const { format } = METRICS[metric];
  const scale = (value: number) => (high === low ? 0 : (value - low) / (high - low));

  const move = (event: KeyboardEvent<HTMLTableElement>) => {
    const steps: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const step = steps[event.key];
    if (!step) return;
    event.preventDefault();
    const next: [number, number] = [
      Math.max(0, Math.min(rows.length - 1, active[0] + step[0])),
      Math.max(0, Math.min(columns.length - 1, active[1] + step[1])),
    ];
    setActive(next);
    table.current?.querySelector<HTMLElement>(`[data-cell="${next[0]}:${next[1]}"]`)?.focus();
  };

  return (
    <>
      <div className="heatmap-wrap">
        <table className="heatmap" ref={table} onKeyDown={move} aria-busy={busy}>
          <caption className="visually-hidden">
            {rowsTitle} in rows, {columnsTitle} in columns
          </caption>
          <thead>
            <tr>
              <th scope="col" className="corner">
                <span className="muted">
                  {rowsTitle} ↓ · {columnsTitle} →
                </span>
              </th>
              {columns.map((column) => (
                <th scope="col" key={column}>
                  {label('column', column)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={row}>
                <th scope="row">{label('row', row)}</th>
                {columns.map((column, c) => {
                  const cell = byKey.get(JSON.stringify([row, column]));
                  if (!cell) return <td key={column} />;
                  const value = cell[metric];
                  const colours = heat(scale(value));
                  // The name contains the figure shown (WCAG 2.5.3: what is seen is what a voice user says).
                  const description = `${label('row', row)}, ${label('column', column)}: ${METRICS[metric].label.toLowerCase()} ${format(value)}, ${count(cell.customers)} customers`;
                  const focusable = r === active[0] && c === active[1] ? 0 : -1;
                  return (
                    <td key={column} style={colours}>
                      {cell.filter && cell.customers > 0 ? (
                        <a
                          href={builderHref(cell.filter)}
                          className="heat-cell"
                          data-cell={`${r}:${c}`}
                          data-customers={cell.customers}
                          tabIndex={focusable}
                          onFocus={() => setActive([r, c])}
                          aria-label={`${description}. Open in the builder`}
                          title={description}
                          style={{ color: colours.color }}
                        >
                          {format(value)}
                        </a>
                      ) : (
                        <span
                          className="heat-cell"
                          data-cell={`${r}:${c}`}
                          tabIndex={focusable}
                          onFocus={() => setActive([r, c])}
                          aria-label={`${description}. Nobody to open`}
                          role="img"
                        >
                          {format(value)}
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Legend low={low} high={high} metric={metric} />
    </>
  );
}

function Legend({ low, high, metric }: { low: number; high: number; metric: Metric }) {
  const { format } = METRICS[metric];
  const steps = [0, 0.25, 0.5, 0.75, 1];
  return (
    <figure className="heat-legend">
      <figcaption>Legend</figcaption>
      <ol>
        {steps.map((t) => {
          const colours = heat(t);
          return (
            <li key={t}>
              <span className="swatch" style={{ background: colours.background }} aria-hidden="true" />
              {t === 0 ? 'from ' : t === 1 ? 'up to ' : ''}
              {format(metric === 'customers' ? Math.round(low + t * (high - low)) : low + t * (high - low))}
            </li>
          );
        })}
      </ol>
    </figure>
  );
}
