import { count, percent } from './layout';

export interface BarItem {
  key: string;
  /** What the bar is labelled with (defaults to the key). */
  label?: string;
  value: number;
  /** Shown after the figure, e.g. the share of the population. */
  share?: number;
}

/**
 * A horizontal bar chart as a list: each bar's label and figure are text (read
 * by screen readers and legible in any contrast mode), the bar itself is
 * decoration scaled to the largest value.
 */
export function BarChart({
  title,
  items,
  format = count,
  empty = 'Nobody.',
}: {
  title: string;
  items: BarItem[];
  format?: (value: number) => string;
  empty?: string;
}) {
  const largest = Math.max(0, ...items.map((item) => item.value));
  return (
    <figure className="bar-chart">
      <figcaption>{title}</figcaption>
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul>
          {items.map((item) => (
            <li key={item.key}>
              <span className="bar-label">{item.label ?? item.key}</span>
              <span className="bar-track" aria-hidden="true">
                <span
                  className="bar-fill"
                  style={{ width: `${largest === 0 ? 0 : (100 * item.value) / largest}%` }}
                />
              </span>
              <span className="bar-figure">
                {format(item.value)}
                {item.share !== undefined && <span className="muted"> · {percent(item.share)}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

const ACRONYMS = new Set(['SMS', 'RFM']);

/**
 * Keys as people read them: enumeration names CANNOT_LOSE → "Cannot lose",
 * the API's own words (none, unknown, other…) capitalised; two-letter country
 * codes and acronyms stay as they are, and free values (regions, interests) too.
 */
export function humanKey(key: string): string {
  if (/^[a-z]+$/.test(key)) return key.charAt(0).toUpperCase() + key.slice(1);
  if (!/^[A-Z][A-Z0-9_]+$/.test(key) || key.length <= 2 || ACRONYMS.has(key)) return key;
  const words = key.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
