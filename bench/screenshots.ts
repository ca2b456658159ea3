/**
 * Screenshots of every page of the studio at 1400×900, on the demo base, for
 * people to look at (README, "Studio"). Starts the service in this process on
 * its own SQLite file (the demo base is loaded once, then reused), saves one
 * crossed segment so that the segment views have something to show, and
 * writes PNGs into screenshots/ (git-ignored).
 *
 *   npm run screenshots -- [--database sqlite:/tmp/segments-screenshots.sqlite] [--out screenshots]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { parseDatabaseUrl, toolSettings } from '../src/common/config';
import { openDatabase } from '../src/orm/database';
import { createApp } from '../src/server/app';
import { loadDemoDataIfEmpty } from '../seeds/demo';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

const CROSSED = {
  and: [
    {
      identity: { country: { eq: 'FR' }, jobFunction: { eq: 'purchasing' }, companyName: { isNull: false } },
      behaviour: {
        event: { name: 'message_opened', channel: ['EMAIL'], within: { lastDays: 30 } },
        purchase: { within: { lastDays: 365 }, totalAmount: { gt: 500 } },
      },
    },
    { not: { behaviour: { event: { name: 'message_sent', within: { lastDays: 7 }, count: { gte: 3 } } } } },
  ],
};

async function main(): Promise<void> {
  const target = parseDatabaseUrl(option('database', 'sqlite:/tmp/segments-screenshots.sqlite'));
  const out = resolve(option('out', 'screenshots'));
  mkdirSync(out, { recursive: true });
  const db = await openDatabase(target);
  await loadDemoDataIfEmpty(db, (line) => console.log(line));
  const app = await createApp(db, toolSettings(target), console);
  const port = await app.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${port}`;
  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: Array<{ message: string }> };
    if (body.errors?.length) throw new Error(body.errors.map((error) => error.message).join('; '));
    return body.data;
  };
  const name = 'French purchasing contacts, engaged';
  const found = await graphql(
    'query ($s: String) { segments(search: $s, first: 1) { edges { node { id } } } }',
    {
      s: name,
    },
  );
  const segmentId: string =
    found.segments.edges[0]?.node.id ??
    (
      await graphql('mutation ($input: SegmentInput!) { createSegment(input: $input) { id } }', {
        input: { name, description: 'The README crossed segment', filter: CROSSED },
      })
    ).createSegment.id;

  const browser = await chromium.launch({
    executablePath: option('chromium', process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Offline like the tests: nothing outside the service.
  await context.route('**/*', (route) =>
    route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort('internetdisconnected'),
  );
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`  console: ${message.text()}`);
  });
  // The builder's size panel says when the latest answer is in.
  // (twice: a saved segment loads after the first answer, for everyone, is in).
  const sized = async (shown: Page) => {
    const ready = shown.locator('section.size-panel[data-state="ready"]');
    await ready.waitFor({ timeout: 20_000 });
    await shown.waitForTimeout(600);
    await ready.waitFor({ timeout: 20_000 });
  };
  const shots: Array<[string, string, (page: Page) => Promise<void>]> = [
    ['builder-empty', '#/builder', sized],
    ['builder-crossed', `#/builder?segment=${segmentId}`, sized],
    [
      'members-why',
      `#/members?segment=${segmentId}`,
      async (shown) => {
        await shown
          .getByRole('button', { name: /^Why is .* a member\?$/ })
          .first()
          .click();
        await shown.getByText('In:').waitFor({ timeout: 20_000 });
      },
    ],
    ['members-all', '#/members', async () => undefined],
    [
      'map',
      '#/map',
      async (shown) => void (await shown.locator('table.heatmap[aria-busy="false"]').waitFor()),
    ],
    [
      'map-revenue',
      '#/map?rows=RFM_SEGMENT&columns=COUNTRY&metric=revenue',
      async (shown) => void (await shown.locator('table.heatmap[aria-busy="false"]').waitFor()),
    ],
    ['segments', '#/segments', async () => undefined],
    [
      'segment',
      `#/segments/${segmentId}`,
      async (shown) =>
        void (await shown.getByText('Lift against everyone else').waitFor({ timeout: 20_000 })),
    ],
    [
      'personas',
      '#/personas',
      async (shown) =>
        void (await shown.getByRole('list', { name: 'Suggestions' }).waitFor({ timeout: 60_000 })),
    ],
  ];
  for (const [file, fragment, act] of shots) {
    await page.goto(`${origin}/studio/${fragment}`);
    await page.locator('main h1').waitFor({ timeout: 20_000 });
    await page.waitForLoadState('networkidle');
    await act(page);
    await page.waitForTimeout(300);
    const path = join(out, `${file}.png`);
    await page.screenshot({ path });
    console.log(`${path}  (${fragment})`);
  }
  await browser.close();
  await app.stop();
  app.httpServer.close();
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
