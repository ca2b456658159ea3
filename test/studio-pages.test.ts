import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadDemoDataIfEmpty } from '../seeds/demo';
import { startTestServer, type TestServer } from './support/server';

/**
 * The studio's analysis pages in a real browser with the network cut off
 * (every request outside the service aborted): a market-map cell opened in the
 * builder sizes as the cell counts, a persona suggestion adopted, the segment
 * page's figures as the API gives them, a segment's membership tracked from
 * its page (a stale version refused with the API's message, then its size
 * history ending at its size), and axe-core finding no serious or
 * critical violation on each page. No console error, no failed request.
 * Needs Chromium (apt-get install -y chromium, or CHROMIUM_PATH) and the
 * bundle (npm run studio, part of npm run build).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE = join(__dirname, '..', 'node_modules', 'axe-core', 'axe.min.js');

let server: TestServer;
let browser: Browser;
const segments: Array<{ id: string; name: string }> = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is needed at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  // Tracked segments are counted a fifth of a second after a save, so the page's history comes quickly.
  server = await startTestServer(undefined, { membershipDelayMs: 200 });
  await loadDemoDataIfEmpty(server.db, () => undefined);
  for (const [name, filter] of [
    ['French', { identity: { country: { eq: 'FR' } } }],
    ['Bought in 90 days', { behaviour: { purchase: { within: { lastDays: 90 } } } }],
    ['Customers by email', { identity: { lifecycleStage: ['CUSTOMER'], emailOptIn: true } }],
  ] as const) {
    const created = await server.post(
      'mutation ($input: SegmentInput!) { createSegment(input: $input) { id } }',
      {
        input: { name, filter },
      },
    );
    segments.push({ id: created.body.data.createSegment.id, name });
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 120_000);

interface Studio {
  page: Page;
  /** Requests outside the service (aborted), failed requests, answers of 400 and more, console errors, page errors. */
  problems: string[];
  close(): Promise<void>;
}

async function openStudio(fragment: string): Promise<Studio> {
  const origin = new URL(server.url).origin;
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const problems: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    problems.push(`outside request ${url}`);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error ${error.message}`));
  page.on('requestfailed', (request) => {
    // A request the page aborted itself (a superseded query) is not a failure of the service.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`failed ${request.url()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${origin}/studio/#${fragment}`);
  return { page, problems, close: () => context.close() };
}

/** axe-core, injected into the page, run on the whole document: the serious and critical violations. */
async function seriousViolations(page: Page): Promise<Array<{ id: string; nodes: string[] }>> {
  // Evaluated rather than added as a <script>: the studio's CSP (scripts from itself only) stays on.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: unknown[] }> } })
      .axe;
    return (await axe.run(document)).violations as Array<{
      id: string;
      impact: string;
      nodes: Array<{ target: string[] }>;
    }>;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, nodes: violation.nodes.map((node) => node.target.join(' ')) }));
}

async function graphql(query: string, variables?: Record<string, unknown>) {
  const answer = await server.post(query, variables);
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data;
}

test('a market-map cell opens in the builder with the size the cell counts, and is saved as a segment of that size', async () => {
  const { page, problems, close } = await openStudio('/map');
  await page.getByLabel('Rows').selectOption('COUNTRY');
  await page.getByLabel('Columns').selectOption('LIFECYCLE_STAGE');
  await page.getByLabel('Metric').selectOption('revenuePerCustomer');
  const heading = page.getByRole('heading', { name: 'Revenue per customer by country and lifecycle stage' });
  await heading.waitFor({ timeout: 30_000 });
  await page.locator('table.heatmap[aria-busy="false"]').waitFor();
  expect(await seriousViolations(page)).toEqual([]);

  // The FR × Customer cell, as the API counts it.
  const map = await graphql(
    '{ marketMap(rows: COUNTRY, columns: LIFECYCLE_STAGE) { cells { row column customers filter } } }',
  );
  const cell = map.marketMap.cells.find(
    (candidate: { row: string; column: string }) => candidate.row === 'FR' && candidate.column === 'CUSTOMER',
  );
  expect(cell.customers).toBeGreaterThan(0);
  const link = page.getByRole('link', { name: /^FR, Customer: / });
  await expect(link.getAttribute('data-customers')).resolves.toBe(String(cell.customers));
  // Keyboard: arrow keys move between cells (one of them in the tab order), Enter opens one.
  await page.locator('[data-cell="0:0"]').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect(page.evaluate(() => document.activeElement?.getAttribute('data-cell'))).resolves.toBe('1:1');
  await expect(page.locator('.heatmap [tabindex="0"]').count()).resolves.toBe(1);
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/builder\?filter=/);
  // The filter the builder received selects what the cell's does.
  const received = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('filter')!;
  const sized = await graphql('query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', {
    f: JSON.parse(received),
  });
  expect(sized.evaluateSegment.size).toBe(cell.customers);
  // And the builder, given it, shows the same size.
  const shown = page.locator('[data-testid="size"]');
  const digits = async () => (await shown.textContent())?.replace(/\D/g, '');
  await page
    .waitForFunction(
      (want) => document.querySelector('[data-testid="size"]')?.textContent?.replace(/\D/g, '') === want,
      String(cell.customers),
      { timeout: 30_000 },
    )
    .catch(() => undefined);
  await expect(digits()).resolves.toBe(String(cell.customers));
  // Saved from the builder, the cell is a segment of that size.
  await page.getByLabel('Name', { exact: true }).fill('French customers, from the map');
  await page.getByRole('button', { name: 'Save as new' }).click();
  await page.getByText('Saved as a new segment.').waitFor({ timeout: 20_000 });
  const saved = await graphql(
    '{ segments(search: "French customers, from the map", first: 2) { edges { node { size filter } } } }',
  );
  expect(saved.segments.edges.map((edge: { node: { size: number } }) => edge.node.size)).toEqual([
    cell.customers,
  ]);
  expect(problems).toEqual([]);
  await close();
}, 120_000);

test('the segment page shows the API figures, its performance and its overlap', async () => {
  const [french, recent] = segments;
  const { page, problems, close } = await openStudio(`/segments/${french.id}`);
  await page.getByRole('heading', { level: 1, name: french.name }).waitFor({ timeout: 30_000 });
  const expected = await graphql(
    'query ($id: ID!) { segment(id: $id) { stats { size countries { key customers } } } }',
    { id: french.id },
  );
  const figures = page.getByRole('region', { name: 'Definition' });
  await expect(
    figures.getByText(expected.segment.stats.size.toLocaleString('en-US'), { exact: true }).count(),
  ).resolves.toBe(1);
  await page.getByText('Lift against everyone else').waitFor({ timeout: 30_000 });
  const overlap = page.getByRole('table', { name: /against the other saved segments/ });
  await overlap.waitFor({ timeout: 30_000 });
  await expect(overlap.getByRole('link', { name: recent.name }).count()).resolves.toBe(1);
  await page.getByLabel('Period', { exact: true }).selectOption('custom');
  await page.getByLabel('From (inclusive)').fill('2026-01-01');
  await page.getByLabel('To (exclusive)').fill('2025-01-01');
  await page.getByText('The period must end after it starts.').waitFor();
  await page.getByLabel('To (exclusive)').fill('2026-07-01');
  await page.getByText('Members at the start').waitFor();
  await page.getByTestId('membership-history').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
  await close();
}, 120_000);

test('the segment page turns membership tracking on and shows the size history ending at the size', async () => {
  const byEmail = segments[2];
  const { page, problems, close } = await openStudio(`/segments/${byEmail.id}`);
  await page.getByRole('heading', { level: 1, name: byEmail.name }).waitFor({ timeout: 30_000 });
  const history = page.getByTestId('membership-history');
  await history.getByText('Membership of this segment is not tracked').waitFor({ timeout: 30_000 });
  expect(await seriousViolations(page)).toEqual([]);

  // Someone saves the segment after the page read it: the page's version is stale.
  const before = await graphql('query ($id: ID!) { segment(id: $id) { filter version } }', {
    id: byEmail.id,
  });
  await graphql(
    'mutation ($id: ID!, $input: SegmentInput!) { updateSegment(id: $id, input: $input) { version } }',
    {
      id: byEmail.id,
      input: { name: byEmail.name, description: 'Saved meanwhile', filter: before.segment.filter },
    },
  );
  const track = history.getByRole('button', { name: 'Track membership' });
  await track.click();
  const refused = history.getByRole('alert').filter({ hasText: 'Tracking could not be turned on' });
  await refused.getByText('CONFLICT').waitFor({ timeout: 20_000 });
  await expect(refused.textContent()).resolves.toMatch(/version/i);
  let tracked = await graphql('query ($id: ID!) { segment(id: $id) { trackMembership } }', {
    id: byEmail.id,
  });
  expect(tracked.segment.trackMembership).toBe(false);

  // Again, from the keyboard: the page has read the current version meanwhile.
  await history.getByRole('status').getByText('The segment has been read again (version 2)').waitFor();
  await track.focus();
  await page.keyboard.press('Enter');
  const chart = history.getByTestId('size-history');
  await chart.waitFor({ timeout: 30_000 });
  tracked = await graphql(
    'query ($id: ID!) { segment(id: $id) { trackMembership membershipTrackedSince description stats { size } } }',
    { id: byEmail.id },
  );
  expect(tracked.segment).toMatchObject({ trackMembership: true, description: 'Saved meanwhile' });
  expect(tracked.segment.membershipTrackedSince).not.toBeNull();
  const size = tracked.segment.stats.size;
  expect(size).toBeGreaterThan(0);
  await expect(chart.getByRole('img').getAttribute('aria-label')).resolves.toContain(
    `${size.toLocaleString('en-US')} on`,
  );
  // The text alternative: a table of the days, opened from the keyboard; its last day is the size now.
  await chart.getByText('Size by day as a table').focus();
  await page.keyboard.press('Enter');
  const days = chart.getByRole('table', { name: `Members of ${byEmail.name} by day` });
  await days.waitFor();
  const rows = days.locator('tbody tr');
  await expect(rows.count()).resolves.toBe(30);
  await expect(rows.last().locator('td').last().textContent()).resolves.toBe(size.toLocaleString('en-US'));
  // Before tracking started there is no size.
  await expect(rows.first().locator('td').last().textContent()).resolves.toBe('not tracked yet');
  const changes = history.getByRole('table', { name: /Latest entries and exits/ });
  await changes.getByText('Nobody has entered or left since tracking started.').waitFor({ timeout: 20_000 });
  expect(await seriousViolations(page)).toEqual([]);
  // The refused save is the one answer of 409 (and the browser's console line about it).
  expect(problems.filter((problem) => !problem.includes('409'))).toEqual([]);
  await close();
}, 120_000);

test('a persona suggestion becomes a persona, shown with its portrait', async () => {
  const { page, problems, close } = await openStudio('/personas');
  const suggestions = page.getByRole('list', { name: 'Suggestions' });
  await suggestions.waitFor({ timeout: 60_000 });
  expect(await seriousViolations(page)).toEqual([]);
  const first = suggestions
    .getByRole('listitem')
    .filter({ has: page.getByRole('button') })
    .first();
  await first.getByLabel('Persona name').fill('Adopted in the studio');
  await first.getByRole('button', { name: 'Create persona' }).click();
  await first.getByRole('status').filter({ hasText: 'Created persona “Adopted in the studio”.' }).waitFor();

  const card = page
    .getByRole('list', { name: 'Personas' })
    .getByRole('listitem', { name: 'Adopted in the studio' });
  await card.getByText('Median age').waitFor({ timeout: 30_000 });
  const { personas, personaSuggestions } = await graphql(
    '{ personas { name filter share } personaSuggestions(k: 5) { filter } }',
  );
  const adopted = personas.find((persona: { name: string }) => persona.name === 'Adopted in the studio');
  expect(personaSuggestions.map((s: { filter: unknown }) => s.filter)).toContainEqual(adopted.filter);
  await expect(card.textContent()).resolves.toContain(`${(adopted.share * 100).toFixed(1)} %`);
  expect(await seriousViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
  await close();
}, 180_000);
