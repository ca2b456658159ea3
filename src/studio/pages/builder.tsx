import { Page, Panel } from '../ui/layout';
import type { PageProps } from '../router';

export function BuilderPage(_props: PageProps) {
  return (
    <Page title="Builder">
      <Panel title="Coming next">
        <p>This page is being built.</p>
      </Panel>
    </Page>
  );
}
