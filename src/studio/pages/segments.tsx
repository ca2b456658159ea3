import { Page, Panel } from '../ui/layout';
import type { PageProps } from '../router';

export function SegmentsPage(_props: PageProps) {
  return (
    <Page title="Segments">
      <Panel title="Coming next">
        <p>This page is being built.</p>
      </Panel>
    </Page>
  );
}
