import { useEffect, useMemo, useState } from 'react';
import { GraphQLRequestError, operation, request } from '../graphql';
import { useQuery } from '../hooks';
import { href } from '../router';
import { BarChart, humanKey } from '../ui/bars';
import { ErrorBanner } from '../ui/error-banner';
import { amount, count, Page, Panel, percent } from '../ui/layout';
import { Loading } from '../ui/loading';
import { SelectField } from '../ui/select-field';
import { DataTable } from '../ui/table';
import type { PageProps } from '../router';
import './analysis.css';

interface Bucket {
  key: string;
  customers: number;
  share: number;
}

const SEGMENT = operation<
  {
    segment: {
      id: string;
      name: string;
      description: string | null;
      definition: string;
      filter: Record<string, unknown>;
      version: number;
      updatedAt: string;
      trackMembership: boolean;
      stats: {
        size: number;
        shareOfBase: number;
        revenue: number;
        revenuePerCustomer: number;
        averageOrderValue: number | null;
        rfm: Bucket[];
        lifecycle: Bucket[];
        channels: Bucket[];
        countries: Bucket[];
      };
    } | null;
  },
  { id: string }
>(`query StudioSegment($id: ID!) {
  segment(id: $id) {
    id name description definition filter version updatedAt trackMembership
    stats {
      size shareOfBase revenue revenuePerCustomer averageOrderValue
      rfm { key customers share } lifecycle { key customers share }
      channels { key customers share } countries { key customers share }
    }
  }
}`);

const PERFORMANCE = operation<
  {
    segment: {
      performance: {
        members: number;
        buyers: number;
        conversionRate: number;
        revenue: number;
        revenuePerMember: number;
        baselineConversionRate: number;
        lift: number | null;
      };
    } | null;
  },
  { id: string; from: string; to: string }
>(`query StudioSegmentPerformance($id: ID!, $from: DateTime!, $to: DateTime!) {
  segment(id: $id) {
    performance(from: $from, to: $to) {
      members buyers conversionRate revenue revenuePerMember baselineConversionRate lift
    }
  }
}`);

/** The overlap asks for at most 20 segments (the API's limit): this one and 19 others. */
const OVERLAP_PEERS = 19;

const PEERS = operation<{ segments: { edges: Array<{ node: { id: string; name: string } }> } }>(
  `query StudioSegmentPeers { segments(first: ${OVERLAP_PEERS + 1}) { edges { node { id name } } } }`,
);

const OVERLAP = operation<
  {
    segmentOverlap: Array<{
      a: string;
      b: string;
      both: number;
      onlyA: number;
      onlyB: number;
      jaccard: number;
    }>;
  },
  { ids: string[] }
>(`query StudioSegmentOverlap($ids: [ID!]!) {
  segmentOverlap(ids: $ids) { a b both onlyA onlyB jaccard }
}`);

const DAY = 86_400_000;
const PERIODS = [
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['180', 'Last 180 days'],
  ['365', 'Last 365 days'],
  ['custom', 'Chosen dates'],
] as const;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function SegmentPage({ params }: PageProps) {
  const id = params.id;
  const answer = useQuery(SEGMENT, { id });
  const segment = answer.data?.segment;
  const title = segment ? segment.name : 'Segment';

  return (
    <Page
      title={title}
      actions={
        segment && (
          <>
            <a href={href('/builder', { segment: id })}>Edit in the builder</a>
            <a href={href('/members', { segment: id })}>Members</a>
          </>
        )
      }
    >
      <ErrorBanner error={answer.error} title="The segment could not be read" />
      {answer.loading && !segment && <Loading label="Reading the segment…" />}
      {answer.data && !segment && (
        <p role="alert" className="error-text">
          No segment has id {id}.
        </p>
      )}
      {segment && (
        <>
          <Panel title="Definition">
            <p className="definition">{segment.definition}</p>
            {segment.description && <p className="muted">{segment.description}</p>}
            <dl className="figures">
              <Figure label="Customers" value={count(segment.stats.size)} />
              <Figure label="Share of the base" value={percent(segment.stats.shareOfBase)} />
              <Figure label="Revenue" value={amount(segment.stats.revenue)} />
              <Figure label="Revenue per customer" value={amount(segment.stats.revenuePerCustomer)} />
              <Figure
                label="Average order value"
                value={
                  segment.stats.averageOrderValue === null ? '—' : amount(segment.stats.averageOrderValue)
                }
              />
            </dl>
          </Panel>
          <Panel title="Who they are">
            <div className="chart-grid">
              <BarChart title="RFM segment" items={bars(segment.stats.rfm)} />
              <BarChart title="Lifecycle stage" items={bars(segment.stats.lifecycle)} />
              <BarChart title="Preferred channel" items={bars(segment.stats.channels)} />
              <BarChart title="Country" items={bars(segment.stats.countries.slice(0, 12))} />
            </div>
          </Panel>
          <PerformancePanel id={id} />
          <OverlapPanel id={id} name={segment.name} />
          <MembershipHistoryPanel segment={segment} onChanged={answer.reload} />
        </>
      )}
    </Page>
  );
}

function bars(buckets: Bucket[]) {
  return buckets.map((bucket) => ({
    key: bucket.key,
    label: humanKey(bucket.key),
    value: bucket.customers,
    share: bucket.share,
  }));
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function PerformancePanel({ id }: { id: string }) {
  const [period, setPeriod] = useState<(typeof PERIODS)[number][0]>('90');
  // Whole UTC days: the period is [from, to) with `to` tomorrow at midnight, so today counts.
  const tomorrow = useMemo(() => Math.floor(Date.now() / DAY) * DAY + DAY, []);
  const [from, setFrom] = useState(isoDay(tomorrow - 90 * DAY));
  const [to, setTo] = useState(isoDay(tomorrow));
  const range =
    period === 'custom'
      ? { from: `${from}T00:00:00.000Z`, to: `${to}T00:00:00.000Z` }
      : {
          from: new Date(tomorrow - Number(period) * DAY).toISOString(),
          to: new Date(tomorrow).toISOString(),
        };
  const valid = period !== 'custom' || (from !== '' && to !== '' && from < to);
  const answer = useQuery(PERFORMANCE, { id, ...range }, { skip: !valid });
  const performance = answer.data?.segment?.performance;

  return (
    <Panel title="Performance over a period">
      <form className="period-controls" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          id="performance-period"
          label="Period"
          value={period}
          choices={PERIODS}
          onChange={(value) => setPeriod(value as typeof period)}
        />
        {period === 'custom' && (
          <>
            <div className="field">
              <label htmlFor="performance-from">From (inclusive)</label>
              <input
                id="performance-from"
                type="date"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="performance-to">To (exclusive)</label>
              <input id="performance-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
            </div>
          </>
        )}
      </form>
      {!valid && (
        <p className="error-text" role="alert">
          The period must end after it starts.
        </p>
      )}
      <ErrorBanner error={answer.error} title="The performance could not be computed" />
      {answer.loading && !performance && <Loading label="Counting buyers…" />}
      {performance && (
        <>
          <dl className="figures spaced" aria-busy={answer.loading}>
            <Figure label="Members at the start" value={count(performance.members)} />
            <Figure label="Buyers in the period" value={count(performance.buyers)} />
            <Figure label="Conversion" value={percent(performance.conversionRate)} />
            <Figure label="Everyone else" value={percent(performance.baselineConversionRate)} />
            <Figure
              label="Lift against everyone else"
              value={performance.lift === null ? '—' : `× ${performance.lift.toFixed(2)}`}
            />
            <Figure label="Revenue" value={amount(performance.revenue)} />
            <Figure label="Revenue per member" value={amount(performance.revenuePerMember)} />
          </dl>
          <div className="narrow">
            <BarChart
              title="Conversion: this segment against everyone else"
              items={[
                { key: 'segment', label: 'This segment', value: performance.conversionRate },
                { key: 'others', label: 'Everyone else', value: performance.baselineConversionRate },
              ]}
              format={percent}
            />
          </div>
        </>
      )}
    </Panel>
  );
}

function OverlapPanel({ id, name }: { id: string; name: string }) {
  const peers = useQuery(PEERS, {});
  const others = (peers.data?.segments.edges ?? [])
    .map((edge) => edge.node)
    .filter((node) => node.id !== id)
    .slice(0, OVERLAP_PEERS);
  const overlap = useQuery(
    OVERLAP,
    { ids: [id, ...others.map((other) => other.id)] },
    { skip: others.length === 0 },
  );
  const names = new Map(others.map((other) => [other.id, other.name]));
  const rows = (overlap.data?.segmentOverlap ?? [])
    .filter((pair) => pair.a === id || pair.b === id)
    .map((pair) => {
      const mine = pair.a === id;
      return {
        other: mine ? pair.b : pair.a,
        both: pair.both,
        onlyThis: mine ? pair.onlyA : pair.onlyB,
        onlyOther: mine ? pair.onlyB : pair.onlyA,
        jaccard: pair.jaccard,
      };
    })
    .sort((x, y) => y.jaccard - x.jaccard);

  return (
    <Panel title="Overlap with other segments">
      <ErrorBanner error={peers.error ?? overlap.error} title="The overlap could not be computed" />
      {peers.data && others.length === 0 && <p className="muted">No other segment is saved yet.</p>}
      {(peers.loading || overlap.loading) && rows.length === 0 && <Loading label="Comparing segments…" />}
      {rows.length > 0 && (
        <DataTable
          caption={`${name} against the other saved segments, most similar first`}
          rowKey={(row) => row.other}
          rows={rows}
          columns={[
            {
              key: 'other',
              header: 'Segment',
              cell: (row) => <a href={href(`/segments/${row.other}`)}>{names.get(row.other) ?? row.other}</a>,
            },
            { key: 'both', header: 'In both', numeric: true, cell: (row) => count(row.both) },
            {
              key: 'only-this',
              header: 'Only in this one',
              numeric: true,
              cell: (row) => count(row.onlyThis),
            },
            {
              key: 'only-other',
              header: 'Only in the other',
              numeric: true,
              cell: (row) => count(row.onlyOther),
            },
            {
              key: 'jaccard',
              header: 'Similarity (Jaccard)',
              numeric: true,
              cell: (row) => percent(row.jaccard),
            },
          ]}
        />
      )}
    </Panel>
  );
}

/** What an update sends back unchanged when it turns tracking on. */
interface SavedDefinition {
  id: string;
  name: string;
  description: string | null;
  filter: Record<string, unknown>;
  version: number;
}

const DEFINITION = operation<{ segment: SavedDefinition | null }, { id: string }>(
  `query StudioSegmentDefinition($id: ID!) { segment(id: $id) { id name description filter version } }`,
);

const TRACK = operation<
  { updateSegment: { id: string; version: number; trackMembership: boolean } },
  {
    id: string;
    expectedVersion: number;
    input: {
      name: string;
      description: string | null;
      filter: Record<string, unknown>;
      trackMembership: boolean;
    };
  }
>(`mutation StudioTrackSegment($id: ID!, $expectedVersion: Int, $input: SegmentInput!) {
  updateSegment(id: $id, expectedVersion: $expectedVersion, input: $input) { id version trackMembership }
}`);

const TRACKED_SINCE = operation<
  { segment: { membershipTrackedSince: string | null } | null },
  { id: string }
>(`query StudioSegmentTrackedSince($id: ID!) { segment(id: $id) { membershipTrackedSince } }`);

interface SizePoint {
  at: string;
  size: number | null;
}

const SIZE_HISTORY = operation<
  { segment: { sizeHistory: SizePoint[] } | null },
  { id: string; from: string; to: string }
>(`query StudioSegmentSizeHistory($id: ID!, $from: DateTime!, $to: DateTime!) {
  segment(id: $id) { sizeHistory(from: $from, to: $to, interval: DAY) { at size } }
}`);

interface Change {
  kind: 'ENTERED' | 'EXITED';
  at: string;
  customer: { id: string; externalId: string };
}

interface ChangesAnswer {
  segment: {
    changes: {
      edges: Array<{ node: Change }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  } | null;
}

const CHANGES = operation<
  ChangesAnswer,
  { id: string; since: string | null; after: string | null }
>(`query StudioSegmentChanges($id: ID!, $since: DateTime, $after: String) {
  segment(id: $id) {
    changes(since: $since, after: $after, first: 500) {
      edges { node { kind at customer { id externalId } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`);

/** Days of size history shown, one bar a day. */
const HISTORY_DAYS = 30;
/** Entries and exits listed, newest first. */
const LATEST_CHANGES = 10;
/**
 * The API lists changes oldest first, so the latest ones are found by asking
 * for the changes of a growing recent window (then all of them) until there
 * are enough: a busy segment is answered by its last day, a quiet one reads
 * its whole record, which is then short.
 */
const CHANGE_WINDOWS_DAYS = [1, 7, 30, 365, null] as const;
/** How often the page asks whether the first evaluation of a newly tracked segment has run. */
const TRACKING_POLL_MS = 1000;

const utcDay = (iso: string) =>
  new Date(iso).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const utcInstant = (iso: string) =>
  `${new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;

/** Who entered and left the segment and its size over time, or the offer to start recording them. */
function MembershipHistoryPanel({
  segment,
  onChanged,
}: {
  segment: SavedDefinition & { trackMembership: boolean };
  onChanged(): void;
}) {
  return (
    <Panel title="Membership history">
      <div data-testid="membership-history">
        {segment.trackMembership ? (
          <TrackedHistory id={segment.id} name={segment.name} />
        ) : (
          <StartTracking segment={segment} onChanged={onChanged} />
        )}
      </div>
    </Panel>
  );
}

function StartTracking({ segment, onChanged }: { segment: SavedDefinition; onChanged(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // After a CONFLICT: the segment as it is now, which the next click saves (with tracking on).
  const [reread, setReread] = useState<SavedDefinition | null>(null);
  const current = reread && reread.version > segment.version ? reread : segment;
  const track = async () => {
    setBusy(true);
    setError(null);
    try {
      // The whole definition goes back unchanged with the version it was read at, as the
      // builder saves: when someone saved the segment meanwhile, the API answers CONFLICT
      // rather than this save undoing theirs.
      await request(TRACK, {
        id: current.id,
        expectedVersion: current.version,
        input: {
          name: current.name,
          description: current.description,
          filter: current.filter,
          trackMembership: true,
        },
      });
      onChanged();
    } catch (caught) {
      setError(caught);
      if (caught instanceof GraphQLRequestError && caught.code === 'CONFLICT') {
        // Read it again before the button is usable, so that a second click tracks what is saved now.
        const now = await request(DEFINITION, { id: current.id }).catch(() => null);
        if (now?.segment) setReread(now.segment);
        onChanged();
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p>
        Membership of this segment is not tracked: the service keeps no record of who entered or left it, nor
        of its size over time. Tracking starts from now; nothing before it can be recovered.
      </p>
      <button type="button" disabled={busy} onClick={track}>
        Track membership
      </button>
      {busy && <Loading label="Turning tracking on…" />}
      <ErrorBanner error={error} title="Tracking could not be turned on" />
      {error !== null && reread && (
        <p role="status">
          The segment has been read again (version {reread.version}): “Track membership” now tracks it as it
          is saved.
        </p>
      )}
    </>
  );
}

function TrackedHistory({ id, name }: { id: string; name: string }) {
  const tracked = useQuery(TRACKED_SINCE, { id });
  const since = tracked.data?.segment?.membershipTrackedSince ?? null;
  const { loading, error, reload } = tracked;
  // A segment just tracked is first counted a quiet moment later (MEMBERSHIP_DELAY_MS): ask until it has been.
  const waiting = tracked.data !== null && since === null;
  useEffect(() => {
    if (!waiting || loading || error) return;
    const timer = window.setTimeout(reload, TRACKING_POLL_MS);
    return () => window.clearTimeout(timer);
  }, [waiting, loading, error, reload]);
  // The last point is now, so that it is the current size; fixed once tracking has started.
  const range = useMemo(() => {
    if (since === null) return null;
    const to = Date.now();
    return { from: new Date(to - (HISTORY_DAYS - 1) * DAY).toISOString(), to: new Date(to).toISOString() };
  }, [since]);
  const history = useQuery(
    SIZE_HISTORY,
    { id, from: range?.from ?? '', to: range?.to ?? '' },
    { skip: range === null },
  );
  const points = history.data?.segment?.sizeHistory ?? [];

  return (
    <>
      <ErrorBanner error={tracked.error} title="The tracking could not be read" />
      {waiting && (
        <p role="status">
          Membership is tracked. The service counts the members a few seconds after a save; the history shows
          here then.
        </p>
      )}
      {since !== null && (
        <>
          <p className="muted">Tracked since {utcInstant(since)}.</p>
          <ErrorBanner error={history.error} title="The size history could not be read" />
          {history.loading && points.length === 0 && <Loading label="Reading the size history…" />}
          {points.length > 0 && <SizeChart name={name} points={points} />}
          <LatestChanges id={id} since={since} name={name} />
        </>
      )}
    </>
  );
}

/**
 * Vertical bars, one a day, in the colours of the page's bar charts. The SVG is
 * a picture with a one-sentence summary as its name; the figures themselves are
 * in a table under it (a disclosure, reachable with Tab), for screen readers and
 * for anyone who wants the numbers.
 */
function SizeChart({ name, points }: { name: string; points: SizePoint[] }) {
  const known = points.filter((point): point is { at: string; size: number } => point.size !== null);
  const largest = Math.max(0, ...known.map((point) => point.size));
  const width = 720;
  const height = 200;
  const left = 56;
  const right = 8;
  const top = 12;
  const bottom = 28;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const slot = plotWidth / points.length;
  const y = (value: number) => top + plotHeight - (largest === 0 ? 0 : (plotHeight * value) / largest);
  const firstKnown = points.findIndex((point) => point.size !== null);
  const untracked = firstKnown === -1 ? points.length : firstKnown;
  const first = points[0];
  const last = points[points.length - 1];
  const summary =
    known.length === 0
      ? `No size of ${name} is known in the last ${HISTORY_DAYS} days.`
      : `Members of ${name} each day: ${count(known[0].size)} on ${utcDay(known[0].at)}, ${count(
          known[known.length - 1].size,
        )} on ${utcDay(known[known.length - 1].at)}, at most ${count(largest)}.`;

  return (
    <figure className="bar-chart size-chart" data-testid="size-history">
      <figcaption>Size over the last {HISTORY_DAYS} days</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary}>
        <line className="axis" x1={left} x2={width - right} y1={top + plotHeight} y2={top + plotHeight} />
        <line className="axis" x1={left} x2={left} y1={top} y2={top + plotHeight} />
        {largest > 0 && (
          <line className="grid" x1={left} x2={width - right} y1={y(largest)} y2={y(largest)} />
        )}
        <text className="tick" x={left - 6} y={top + plotHeight} textAnchor="end" dominantBaseline="middle">
          0
        </text>
        {largest > 0 && (
          <text className="tick" x={left - 6} y={y(largest)} textAnchor="end" dominantBaseline="middle">
            {count(largest)}
          </text>
        )}
        {untracked > 0 && (
          <>
            {/* The days before tracking started: shaded and said, so an empty stretch is not read as zero. */}
            <rect
              className="untracked"
              x={left + 1}
              y={top}
              width={untracked * slot - 1}
              height={plotHeight}
            />
            <text
              className="tick"
              x={left + (untracked * slot) / 2}
              y={top + plotHeight / 2}
              textAnchor="middle"
            >
              Not tracked yet
            </text>
          </>
        )}
        {points.map((point, index) =>
          point.size === null ? null : (
            <rect
              key={point.at}
              className="size-bar"
              x={left + index * slot + slot * 0.15}
              width={slot * 0.7}
              y={y(point.size)}
              height={Math.max(1, top + plotHeight - y(point.size))}
              rx={2}
            />
          ),
        )}
        <text className="tick" x={left} y={height - 8} textAnchor="start">
          {utcDay(first.at)}
        </text>
        <text className="tick" x={width - right} y={height - 8} textAnchor="end">
          {utcDay(last.at)}
        </text>
      </svg>
      <p className="chart-legend">
        <span className="legend-swatch" aria-hidden="true" /> Members, one bar a day (UTC); no bar before
        tracking started. Latest: <strong>{last.size === null ? '—' : count(last.size)}</strong>
      </p>
      <details>
        <summary>Size by day as a table</summary>
        <DataTable
          caption={`Members of ${name} by day`}
          rowKey={(point) => point.at}
          rows={points}
          columns={[
            { key: 'day', header: 'Day (UTC)', cell: (point) => utcDay(point.at) },
            {
              key: 'size',
              header: 'Members',
              numeric: true,
              cell: (point) => (point.size === null ? 'not tracked yet' : count(point.size)),
            },
          ]}
        />
      </details>
    </figure>
  );
}

/** The latest entries and exits, newest first (see CHANGE_WINDOWS_DAYS for how they are found). */
function useLatestChanges(id: string, since: string) {
  const [state, setState] = useState<{ changes: Change[] | null; error: unknown }>({
    changes: null,
    error: null,
  });
  useEffect(() => {
    let current = true;
    const read = async () => {
      let latest: Change[] = [];
      for (const days of CHANGE_WINDOWS_DAYS) {
        const from = days === null ? null : new Date(Date.now() - days * DAY).toISOString();
        latest = [];
        let after: string | null = null;
        for (;;) {
          const answer: ChangesAnswer = await request(CHANGES, { id, since: from, after });
          const page = answer.segment?.changes;
          if (!page) break;
          latest = [...latest, ...page.edges.map((edge) => edge.node)].slice(-LATEST_CHANGES);
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        if (latest.length >= LATEST_CHANGES) break;
      }
      return latest.reverse();
    };
    read().then(
      (changes) => current && setState({ changes, error: null }),
      (error: unknown) => current && setState({ changes: null, error }),
    );
    return () => {
      current = false;
    };
  }, [id, since]);
  return state;
}

function LatestChanges({ id, since, name }: { id: string; since: string; name: string }) {
  const { changes, error } = useLatestChanges(id, since);
  return (
    <>
      <ErrorBanner error={error} title="The entries and exits could not be read" />
      {changes === null && !error && <Loading label="Reading the entries and exits…" />}
      {changes !== null && (
        <DataTable
          caption={`Latest entries and exits of ${name}, newest first`}
          rowKey={(change) => `${change.at} ${change.kind} ${change.customer.id}`}
          rows={changes}
          empty="Nobody has entered or left since tracking started."
          columns={[
            { key: 'at', header: 'When', cell: (change) => utcInstant(change.at) },
            {
              key: 'kind',
              header: 'Change',
              cell: (change) => (change.kind === 'ENTERED' ? 'Entered' : 'Exited'),
            },
            {
              key: 'customer',
              header: 'Customer',
              cell: (change) => (
                <a href={href('/members', { segment: id })} title="The segment's members">
                  {change.customer.externalId}
                </a>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
