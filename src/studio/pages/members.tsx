import { Page, Panel } from '../ui/layout';
import type { PageProps } from '../router';

export function MembersPage(_props: PageProps) {
  return (
    <Page title="Members">
      <Panel title="Coming next">
        <p>This page is being built.</p>
      </Panel>
    </Page>
  );
}
