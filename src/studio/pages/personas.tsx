import { Page, Panel } from '../ui/layout';
import type { PageProps } from '../router';

export function PersonasPage(_props: PageProps) {
  return (
    <Page title="Personas">
      <Panel title="Coming next">
        <p>This page is being built.</p>
      </Panel>
    </Page>
  );
}
