import { Page, Panel } from '../ui/layout';
import type { PageProps } from '../router';

export function SegmentPage(_props: PageProps) {
  return (
    <Page title="Segment">
      <Panel title="Coming next">
        <p>This page is being built.</p>
      </Panel>
    </Page>
  );
}
