import { useMemo, useState } from 'react';
import { operation } from '../graphql';
import { useQuery } from '../hooks';
import { href } from '../router';
import { BarChart, humanKey } from '../ui/bars';
import { ErrorBanner } from '../ui/error-banner';
import { amount, count, Page, Panel, percent } from '../ui/layout';
import { Loading } from '../ui/loading';
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
      version: number;
      updatedAt: string;
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
    id name description definition version updatedAt
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
          <MembershipHistoryPanel />
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
        <div className="field">
          <label htmlFor="performance-period">Period</label>
          <select
            id="performance-period"
            value={period}
            onChange={(event) => setPeriod(event.target.value as typeof period)}
          >
            {PERIODS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
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

/**
 * Membership history (size over time, latest entries and exits) comes with the
 * API's membership tracking: when Segment.sizeHistory and Segment.changes are in
 * the schema, this panel asks for them.
 */
function MembershipHistoryPanel() {
  return (
    <Panel title="Membership history">
      <div className="placeholder" data-testid="membership-history">
        <p>
          Size over time and the latest entries and exits will show here once the service tracks membership.
        </p>
      </div>
    </Panel>
  );
}
