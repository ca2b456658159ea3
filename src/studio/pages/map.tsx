import { Page, Panel } from '../ui/layout';
import type { PageProps } from '../router';

export function MapPage(_props: PageProps) {
  return (
    <Page title="Market map">
      <Panel title="Coming next">
        <p>This page is being built.</p>
      </Panel>
    </Page>
  );
}
