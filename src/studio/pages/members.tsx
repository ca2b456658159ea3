import { useState } from 'react';
import { operation } from '../graphql';
import { useQuery } from '../hooks';
import { href, navigate, type PageProps } from '../router';
import { ErrorBanner } from '../ui/error-banner';
import { Loading } from '../ui/loading';
import { Page, Panel, amount, counted } from '../ui/layout';
import { DataTable, type Column } from '../ui/table';

interface Member {
  id: string;
  externalId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  country: string | null;
  companyName: string | null;
  lifecycleStage: string;
  value: { lifetimeRevenue: number; lastOrderAt: string | null } | null;
}

interface Page_ {
  totalCount: number;
  edges: Array<{ node: Member }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

type OrderField = 'CREATED_AT' | 'LIFETIME_REVENUE' | 'LAST_ORDER_AT' | 'NAME';
interface Order {
  field: OrderField;
  direction: 'ASC' | 'DESC';
}

const MEMBER_FIELDS = `totalCount
  edges { node { id externalId firstName lastName email country companyName lifecycleStage value { lifetimeRevenue lastOrderAt } } }
  pageInfo { hasNextPage endCursor }`;

const SEGMENT_MEMBERS = operation<
  { segment: { id: string; name: string; definition: string; members: Page_ } | null },
  { id: string; first: number; after: string | null; orderBy: Order }
>(`query StudioSegmentMembers($id: ID!, $first: Int, $after: String, $orderBy: CustomerOrder) {
  segment(id: $id) { id name definition members(first: $first, after: $after, orderBy: $orderBy) { ${MEMBER_FIELDS} } }
}`);

const CUSTOMERS = operation<
  { customers: Page_ },
  { first: number; after: string | null; orderBy: Order; filter: Record<string, unknown> | null }
>(`query StudioCustomers($first: Int, $after: String, $orderBy: CustomerOrder, $filter: SegmentFilter) {
  customers(first: $first, after: $after, orderBy: $orderBy, filter: $filter) { ${MEMBER_FIELDS} }
}`);

const SEGMENT_LIST = operation<{ segments: { edges: Array<{ node: { id: string; name: string } }> } }>(
  `query StudioSegmentList { segments(first: 500) { edges { node { id name } } } }`,
);

interface ExplanationNode {
  kind: string;
  description: string;
  matched: boolean;
  actual: string | null;
  children?: ExplanationNode[];
}

// Six levels: deep enough for groups of groups over a saved segment's own filter.
const NODE = 'kind description matched actual';
const nested = (depth: number): string => (depth === 0 ? NODE : `${NODE} children { ${nested(depth - 1)} }`);

const EXPLAIN = operation<
  {
    customer: {
      externalId: string;
      explain: { matched: boolean; root: ExplanationNode };
    } | null;
  },
  { id: string; segment: string | null; filter: Record<string, unknown> | null }
>(`query StudioExplain($id: ID!, $segment: ID, $filter: SegmentFilter) {
  customer(id: $id) { externalId explain(segment: $segment, filter: $filter) { matched root { ${nested(6)} } } }
}`);

const PAGE_SIZE = 25;

const ORDERS: Array<[string, string]> = [
  ['CREATED_AT:ASC', 'Oldest customers first'],
  ['CREATED_AT:DESC', 'Newest customers first'],
  ['LIFETIME_REVENUE:DESC', 'Highest lifetime revenue'],
  ['LIFETIME_REVENUE:ASC', 'Lowest lifetime revenue'],
  ['LAST_ORDER_AT:DESC', 'Most recent order'],
  ['NAME:ASC', 'Name, A to Z (needs the PII scope)'],
];

/** A masked value (the key lacks the PII scope) reads as such. */
function personal(value: string | null) {
  if (value === null) return <span className="muted">—</span>;
  return value.includes('***') ? (
    <span className="masked" title="Masked: the API key has no PII scope">
      {value}
    </span>
  ) : (
    value
  );
}

export function MembersPage({ query }: PageProps) {
  const segmentId = query.get('segment');
  const filterText = query.get('filter');
  const filter = parseFilter(filterText);
  const [order, setOrder] = useState<Order>({ field: 'CREATED_AT', direction: 'ASC' });
  // Keyset pagination: the cursors of the pages before this one (to go back), and this page's.
  const [trail, setTrail] = useState<Array<string | null>>([null]);
  const after = trail[trail.length - 1];
  const [why, setWhy] = useState<Member | null>(null);

  const segments = useQuery(SEGMENT_LIST);
  const bySegment = useQuery(
    SEGMENT_MEMBERS,
    { id: segmentId ?? '', first: PAGE_SIZE, after, orderBy: order },
    { skip: !segmentId },
  );
  const byFilter = useQuery(
    CUSTOMERS,
    { first: PAGE_SIZE, after, orderBy: order, filter },
    { skip: !!segmentId },
  );
  const current = segmentId ? bySegment : byFilter;
  const page: Page_ | null = segmentId
    ? (bySegment.data?.segment?.members ?? null)
    : (byFilter.data?.customers ?? null);
  const segment = bySegment.data?.segment;

  const sortBy = (field: OrderField) => () => {
    setTrail([null]);
    setOrder((previous) => ({
      field,
      direction: previous.field === field ? (previous.direction === 'ASC' ? 'DESC' : 'ASC') : 'DESC',
    }));
  };
  const sortState = (field: OrderField) => ({
    direction: order.field === field ? order.direction : null,
    onSort: sortBy(field),
  });

  const columns: Column<Member>[] = [
    { key: 'externalId', header: 'Customer', cell: (m) => <code>{m.externalId}</code> },
    {
      key: 'name',
      header: 'Name',
      cell: (m) => (
        <>
          {personal(m.firstName)} {personal(m.lastName)}
        </>
      ),
      sort: sortState('NAME'),
    },
    { key: 'email', header: 'Email', cell: (m) => personal(m.email) },
    { key: 'country', header: 'Country', cell: (m) => m.country ?? '—' },
    { key: 'company', header: 'Company', cell: (m) => m.companyName ?? '—' },
    { key: 'stage', header: 'Stage', cell: (m) => m.lifecycleStage.toLowerCase() },
    {
      key: 'revenue',
      header: 'Lifetime revenue',
      numeric: true,
      cell: (m) => (m.value ? amount(m.value.lifetimeRevenue) : '—'),
      sort: sortState('LIFETIME_REVENUE'),
    },
    {
      key: 'lastOrder',
      header: 'Last order',
      cell: (m) => (m.value?.lastOrderAt ? m.value.lastOrderAt.slice(0, 10) : '—'),
      sort: sortState('LAST_ORDER_AT'),
    },
    {
      key: 'why',
      header: <span className="visually-hidden">Explanation</span>,
      cell: (m) => (
        <button
          type="button"
          className="secondary"
          aria-label={`Why is ${m.externalId} a member?`}
          aria-pressed={why?.id === m.id}
          onClick={() => setWhy(why?.id === m.id ? null : m)}
        >
          why?
        </button>
      ),
    },
  ];

  const title = segment ? `Members of “${segment.name}”` : filter ? 'Customers of a filter' : 'All customers';
  return (
    <Page title={title}>
      <div className="toolbar">
        <label htmlFor="members-of">Show</label>
        <select
          id="members-of"
          value={segmentId ?? ''}
          onChange={(event) => navigate('/members', { segment: event.target.value || undefined })}
        >
          <option value="">All customers</option>
          {segments.data?.segments.edges.map(({ node }) => (
            <option key={node.id} value={node.id}>
              {node.name}
            </option>
          ))}
        </select>
        <label htmlFor="members-order">Order</label>
        <select
          id="members-order"
          value={`${order.field}:${order.direction}`}
          onChange={(event) => {
            const [field, direction] = event.target.value.split(':') as [OrderField, 'ASC' | 'DESC'];
            setTrail([null]);
            setOrder({ field, direction });
          }}
        >
          {ORDERS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {segmentId && <a href={href('/builder', { segment: segmentId })}>Edit in the builder</a>}
      </div>
      {segment && <p className="muted">{segment.definition}</p>}
      <ErrorBanner error={current.error} />
      <div className={`members ${why ? 'with-why' : ''}`}>
        <div>
          {current.loading && !page && <Loading label="Loading the members…" />}
          {page && (
            <>
              <DataTable
                caption={`${counted(page.totalCount, 'customer')} · page ${trail.length}`}
                columns={columns}
                rows={page.edges.map((edge) => edge.node)}
                rowKey={(member) => member.id}
                empty="No customer matches."
              />
              <nav className="pager" aria-label="Pages of members">
                <button
                  type="button"
                  className="secondary"
                  disabled={trail.length <= 1 || current.loading}
                  onClick={() => setTrail((previous) => previous.slice(0, -1))}
                >
                  ← Previous
                </button>
                <span>
                  Page {trail.length} of {Math.max(1, Math.ceil(page.totalCount / PAGE_SIZE))}
                </span>
                <button
                  type="button"
                  className="secondary"
                  disabled={!page.pageInfo.hasNextPage || current.loading}
                  onClick={() => setTrail((previous) => [...previous, page.pageInfo.endCursor])}
                >
                  Next →
                </button>
                {current.loading && <Loading label="Loading…" />}
              </nav>
            </>
          )}
        </div>
        {why && <WhyPanel member={why} segmentId={segmentId} filter={filter} onClose={() => setWhy(null)} />}
      </div>
    </Page>
  );
}

function parseFilter(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function WhyPanel({
  member,
  segmentId,
  filter,
  onClose,
}: {
  member: Member;
  segmentId: string | null;
  filter: Record<string, unknown> | null;
  onClose(): void;
}) {
  const explained = useQuery(EXPLAIN, {
    id: member.id,
    segment: segmentId,
    filter: segmentId ? null : (filter ?? {}),
  });
  const answer = explained.data?.customer?.explain;
  return (
    <Panel title={`Why ${member.externalId}?`} className="why-panel">
      <button type="button" className="secondary" onClick={onClose}>
        Close
      </button>
      <ErrorBanner error={explained.error} />
      {explained.loading && <Loading label="Explaining…" />}
      {answer && (
        <>
          <p>
            <strong>{answer.matched ? 'In:' : 'Out:'}</strong> each part of the definition, with this
            customer&apos;s value.
          </p>
          <ul className="why-tree">
            <WhyNode node={answer.root} />
          </ul>
        </>
      )}
    </Panel>
  );
}

function WhyNode({ node }: { node: ExplanationNode }) {
  return (
    <li className={`why-node ${node.matched ? 'matched' : 'unmatched'}`}>
      <div className="why-line">
        <span className="why-mark" aria-hidden="true">
          {node.matched ? '✓' : '✗'}
        </span>
        <span className="visually-hidden">{node.matched ? 'holds: ' : 'does not hold: '}</span>
        {node.description}
        {node.actual !== null && <span className="why-actual"> — actual: {node.actual}</span>}
      </div>
      {node.children && node.children.length > 0 && (
        <ul className="why-tree">
          {node.children.map((child, index) => (
            <WhyNode key={index} node={child} />
          ))}
        </ul>
      )}
    </li>
  );
}
