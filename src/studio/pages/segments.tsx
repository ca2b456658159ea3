import { useState } from 'react';
import { operation } from '../graphql';
import { useQuery } from '../hooks';
import { href, type PageProps } from '../router';
import { ErrorBanner } from '../ui/error-banner';
import { Loading } from '../ui/loading';
import { Page, count, counted } from '../ui/layout';
import { DataTable } from '../ui/table';

interface Row {
  id: string;
  name: string;
  definition: string;
  version: number;
  size: number;
}

const SEGMENTS = operation<
  {
    segments: {
      totalCount: number;
      edges: Array<{ node: Row }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  },
  { after: string | null }
>(`query StudioSegments($after: String) {
  segments(first: 20, after: $after) {
    totalCount edges { node { id name definition version size } } pageInfo { hasNextPage endCursor }
  }
}`);

/** The saved segments, each with its size now and links to its members, its page and the builder. */
export function SegmentsPage(_props: PageProps) {
  // Each size is a count: 20 a page keeps a page within the API's cost limit.
  const [trail, setTrail] = useState<Array<string | null>>([null]);
  const segments = useQuery(SEGMENTS, { after: trail[trail.length - 1] });
  const pageInfo = segments.data?.segments.pageInfo;
  return (
    <Page title="Saved segments" actions={<a href={href('/builder')}>New segment</a>}>
      <ErrorBanner error={segments.error} />
      {segments.loading && !segments.data && <Loading />}
      {segments.data && (
        <DataTable
          caption={counted(segments.data.segments.totalCount, 'saved segment')}
          rows={segments.data.segments.edges.map((edge) => edge.node)}
          rowKey={(row) => row.id}
          empty="No segment is saved yet: build one in the builder."
          columns={[
            {
              key: 'name',
              header: 'Name',
              cell: (row) => <a href={href(`/segments/${row.id}`)}>{row.name}</a>,
            },
            { key: 'definition', header: 'Definition', cell: (row) => row.definition },
            { key: 'size', header: 'Size', numeric: true, cell: (row) => count(row.size) },
            { key: 'version', header: 'Version', numeric: true, cell: (row) => row.version },
            {
              key: 'open',
              header: <span className="visually-hidden">Actions</span>,
              cell: (row) => (
                <span className="row-links">
                  <a href={href('/members', { segment: row.id })} aria-label={`Members of ${row.name}`}>
                    Members
                  </a>{' '}
                  ·{' '}
                  <a href={href('/builder', { segment: row.id })} aria-label={`Edit ${row.name}`}>
                    Edit
                  </a>
                </span>
              ),
            },
          ]}
        />
      )}
      {pageInfo && (trail.length > 1 || pageInfo.hasNextPage) && (
        <nav className="pager" aria-label="Pages of segments">
          <button
            type="button"
            className="secondary"
            disabled={trail.length <= 1}
            onClick={() => setTrail((previous) => previous.slice(0, -1))}
          >
            ← Previous
          </button>
          <span>Page {trail.length}</span>
          <button
            type="button"
            className="secondary"
            disabled={!pageInfo.hasNextPage}
            onClick={() => setTrail((previous) => [...previous, pageInfo.endCursor])}
          >
            Next →
          </button>
        </nav>
      )}
    </Page>
  );
}
