import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { loadDemoDataIfEmpty } from '../seeds/demo';
import { STUDIO_BUNDLE_DIR } from '../src/server/studio';
import { startTestServer, type TestServer } from './support/server';

/**
 * The segment studio in a real browser with the network cut off (every request
 * outside the service is aborted and recorded), on the demo base: one browser
 * for the whole file, a fresh context per test. Needs Chromium
 * (apt-get install -y chromium; .ci/run installs it) and the bundle
 * (`npm run build`, or `npm run studio`).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: TestServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is needed at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  if (!existsSync(join(STUDIO_BUNDLE_DIR, 'main.js')))
    throw new Error(
      `the studio bundle is missing in ${STUDIO_BUNDLE_DIR}: run npm run studio (or npm run build)`,
    );
  server = await startTestServer();
  await loadDemoDataIfEmpty(server.db, () => undefined);
  origin = new URL(server.url).origin;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 120_000);

/** The README's crossed segment (schema/examples/07-evaluate-crossed-segment.graphql). */
const CROSSED = {
  identity: { country: { eq: 'FR' }, jobFunction: { eq: 'purchasing' }, companyName: { isNull: false } },
  behaviour: {
    event: { name: 'message_opened', channel: ['EMAIL'], within: { lastDays: 30 } },
    purchase: { within: { lastDays: 365 }, totalAmount: { gt: 500 } },
  },
  not: { behaviour: { event: { name: 'message_sent', within: { lastDays: 7 }, count: { gte: 3 } } } },
};

interface Watched {
  context: BrowserContext;
  page: Page;
  /** Requests to anything but the service (aborted). */
  outside: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** Requests that failed (aborted, refused) or answered 5xx. */
  failed: string[];
}

async function openStudio(fragment = ''): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const outside: string[] = [];
  const errors: string[] = [];
  const failed: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    outside.push(url);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 500) failed.push(`${response.url()}: ${response.status()}`);
  });
  await page.goto(`${origin}/studio/${fragment}`);
  await page.locator('main h1').waitFor({ timeout: 20_000 });
  return { context, page, outside, errors, failed };
}

/** axe-core run in the page (evaluated through the DevTools protocol, which the page's CSP does not govern). */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation: any) => ({
      id: violation.id,
      impact: violation.impact,
      targets: violation.nodes.map((node: any) => node.target.join(' ')).slice(0, 3),
    }));
  });
  return violations
    .filter((violation: any) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation: any) => `${violation.id} (${violation.impact}): ${violation.targets.join(', ')}`);
}

/** The figure the size panel shows once the latest answer is in. */
async function shownSize(page: Page): Promise<number> {
  const panel = page.locator('section.size-panel[data-state="ready"]');
  await panel.waitFor({ timeout: 20_000 });
  const text = await panel.getByTestId('size').textContent();
  return Number(text!.replace(/,/g, ''));
}

/** Waits for the size panel to settle after an edit (the debounce, then the answer). */
async function settledSize(page: Page): Promise<number> {
  await page.waitForTimeout(400);
  return shownSize(page);
}

function group(page: Page, index: number) {
  return page.getByTestId(`group-${index}`);
}

async function addCriterion(page: Page, groupIndex: number, label: string) {
  const box = group(page, groupIndex);
  await box.getByLabel('Criterion', { exact: true }).selectOption({ label });
  await box.getByRole('button', { name: `Add the criterion to Group ${groupIndex}` }).click();
  // Found by its field, so that the locator still points at it once others are added after it.
  const field = await box.locator('li.criterion').last().getAttribute('data-field');
  return box.locator(`li.criterion[data-field="${field}"]`).last();
}

/** Types into a picker, which narrows its list, then clicks the option that is exactly `value`. */
async function pick(criterion: Locator, label: string, value: string) {
  await criterion.getByLabel(label).fill(value);
  await criterion
    .getByRole('listbox')
    .getByRole('option')
    .filter({ has: criterion.page().getByText(value, { exact: true }) })
    .click();
}

test('the studio is served with its bundle, a strict CSP and cache headers; a browser opening /graphql gets the playground', async () => {
  const page = await fetch(`${origin}/studio/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.headers.get('cache-control')).toBe('no-cache');
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
  const html = await page.text();
  const script = /src="(assets\/main\.js\?v=[^"]+)"/.exec(html)?.[1];
  const style = /href="(assets\/main\.css\?v=[^"]+)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  expect(style).toBeDefined();
  const js = await fetch(`${origin}/studio/${script}`);
  expect(js.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
  expect(js.headers.get('cache-control')).toContain('immutable');
  const css = await fetch(`${origin}/studio/${style}`);
  expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  expect((await fetch(`${origin}/studio/assets/other.js`)).status).toBe(404);

  // A browser's navigation: redirected to the playground instead of a 406.
  const browserLike = await fetch(`${origin}/graphql`, {
    headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    redirect: 'manual',
  });
  expect(browserLike.status).toBe(302);
  expect(browserLike.headers.get('location')).toBe('/playground/');
  // A GraphQL client's GET still runs its query.
  const query = encodeURIComponent('{ metricsComputedAt }');
  const client = await fetch(`${origin}/graphql?query=${query}`, {
    headers: { accept: 'application/graphql-response+json' },
  });
  expect(client.status).toBe(200);
  expect(await client.json()).toHaveProperty('data');
});

test('the README crossed segment built by clicks has the size evaluateSegment gives; saved, its members and a "why?" open', async () => {
  const { context, page, outside, errors, failed } = await openStudio('#/builder');
  // First load, in a fresh context (nothing cached): from the start of the navigation to the
  // first size on screen (the whole base, for the empty builder), as the page marks it.
  const base = await shownSize(page);
  const firstLoadMs = await page.evaluate(
    () => performance.getEntriesByName('studio:first-size')[0]?.startTime ?? Number.NaN,
  );
  console.log(
    `studio first load on the demo base: ${Math.round(firstLoadMs)} ms (page, bundle, first evaluateSegment)`,
  );
  expect(base).toBeGreaterThan(0);

  const country = await addCriterion(page, 1, 'Country');
  await pick(country, 'Country: value', 'FR');
  const job = await addCriterion(page, 1, 'Job function');
  await pick(job, 'Job function: value', 'purchasing');
  const company = await addCriterion(page, 1, 'Company name');
  await company.getByLabel('Company name: operator').selectOption({ label: 'is set' });
  const opened = await addCriterion(page, 1, 'Did an interaction (event)');
  await pick(opened, 'Event name', 'message_opened');
  await opened.getByLabel('In the last (days)').fill('30');
  await opened.getByLabel('email', { exact: true }).check();
  const bought = await addCriterion(page, 1, 'Bought (orders)');
  await bought.getByLabel('In the last (days)').fill('365');
  await bought.getByLabel('Total spent').selectOption('gt');
  await bought.getByLabel('Total amount').fill('500');

  await page.getByRole('button', { name: '+ Add a group' }).click();
  await group(page, 2).getByLabel('Exclude these customers (not)').check();
  const sent = await addCriterion(page, 2, 'Did an interaction (event)');
  await pick(sent, 'Event name', 'message_sent');
  await sent.getByLabel('In the last (days)').fill('7');
  await sent.getByLabel('Number of times').fill('3');

  const expected = await server.post('query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', {
    f: CROSSED,
  });
  const size = await settledSize(page);
  expect(size).toBe(expected.body.data.evaluateSegment.size);
  expect(size).toBeGreaterThan(0);
  await expect(page.getByTestId('definition').textContent()).resolves.toMatch(/message_opened/);
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByLabel('Name', { exact: true }).fill('French purchasing contacts, engaged');
  await page.getByRole('button', { name: 'Save as new' }).click();
  await page.getByText('Saved as a new segment.').waitFor({ timeout: 20_000 });
  const saved = await server.post(
    '{ segments(search: "French purchasing contacts", first: 5) { edges { node { id size } } } }',
  );
  expect(saved.body.data.segments.edges.map((edge: any) => edge.node.size)).toEqual([size]);

  await page.getByRole('link', { name: 'Open its members' }).click();
  await page.getByRole('heading', { name: 'Members of “French purchasing contacts, engaged”' }).waitFor();
  const caption = page.locator('table caption');
  await caption
    .getByText(new RegExp(`^${size.toLocaleString('en-US')} customers? ·`))
    .waitFor({ timeout: 20_000 });
  const firstWhy = page.getByRole('button', { name: /^Why is .* a member\?$/ }).first();
  await firstWhy.click();
  const why = page.getByRole('region', { name: /^Why / });
  await why.getByText('In:').waitFor({ timeout: 20_000 });
  // The whole filter holds for a member (parts under "not" may not, which is why the not holds).
  await expect(why.locator('.why-node').first().getAttribute('class')).resolves.toContain('matched');
  await expect(why.locator('.why-node').first().getAttribute('class')).resolves.not.toContain('unmatched');
  expect(await seriousViolations(page)).toEqual([]);

  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
  expect(failed).toEqual([]);
  expect(firstLoadMs).toBeLessThan(10_000); // a gross regression guard; the figure is printed above
  await context.close();
}, 120_000);

/** The values a criterion's open picker offers, in order (the value, without its count). */
async function offered(criterion: Locator): Promise<string[]> {
  const list = criterion.getByRole('listbox');
  await list.waitFor({ timeout: 20_000 });
  return list.locator('[role="option"] .combobox-value').allTextContents();
}

async function evaluated(
  filter: Record<string, unknown>,
): Promise<{ size: number; warnings: Array<{ path: string; message: string }> }> {
  const answer = await server.post(
    'query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size warnings { path message } } }',
    { f: filter },
  );
  return answer.body.data.evaluateSegment;
}

test("the pickers offer the catalog's values; one picked by keyboard or by click gives the size evaluateSegment gives, and a value not in the catalog can still be typed", async () => {
  const catalog = (
    await server.post(
      '{ catalog { events(first: 200) { name } categories(first: 200) { value } interests(first: 200) { value } countries(first: 200) { value } } }',
    )
  ).body.data.catalog;
  const eventNames: string[] = catalog.events.map((event: { name: string }) => event.name);
  const values = (list: Array<{ value: string }>) => list.map((entry) => entry.value);
  expect(eventNames.length).toBeGreaterThan(2);

  const { context, page, outside, errors, failed } = await openStudio('#/builder');
  await shownSize(page);

  // Event name, by keyboard: ↓ opens the whole list; typing narrows it; ↓ to the name, Enter takes it.
  const event = await addCriterion(page, 1, 'Did an interaction (event)');
  const eventName = event.getByLabel('Event name');
  await eventName.focus();
  await page.keyboard.press('ArrowDown');
  expect(await offered(event)).toEqual(eventNames);
  expect(await seriousViolations(page)).toEqual([]);
  const picked = eventNames[1];
  const typed = picked.slice(0, 4);
  await eventName.fill(typed);
  const narrowed = await offered(event);
  expect(narrowed).toEqual(eventNames.filter((name) => name.toLowerCase().includes(typed.toLowerCase())));
  for (let step = 0; step <= narrowed.indexOf(picked); step++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(eventName.inputValue()).resolves.toBe(picked);
  await expect(eventName.getAttribute('aria-expanded')).resolves.toBe('false');
  const eventOnly = await evaluated({ behaviour: { event: { name: picked } } });
  expect(eventOnly.size).toBeGreaterThan(0);
  await expect(settledSize(page)).resolves.toBe(eventOnly.size);

  // Order category, by click.
  const bought = await addCriterion(page, 1, 'Bought (orders)');
  await bought.getByLabel('Category').click();
  expect(await offered(bought)).toEqual(values(catalog.categories));
  const category = catalog.categories[0].value;
  await bought.getByRole('listbox').getByRole('option').first().click();
  await expect(bought.getByLabel('Category').inputValue()).resolves.toBe(category);

  // Interests: several picked one after the other; a value taken is not offered again.
  const interests = await addCriterion(page, 1, 'Interests');
  const interestInput = interests.getByLabel('Interests: values, separated by commas');
  await interestInput.click();
  expect(await offered(interests)).toEqual(values(catalog.interests));
  const [firstInterest, secondInterest] = values(catalog.interests);
  await interests.getByRole('listbox').getByRole('option').first().click();
  expect(await offered(interests)).toEqual(values(catalog.interests).slice(1));
  await interests.getByRole('listbox').getByRole('option').first().click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(interestInput.inputValue()).resolves.toBe(`${firstInterest}, ${secondInterest}`);

  const crossed = await evaluated({
    and: [
      { behaviour: { event: { name: picked } } },
      { behaviour: { purchase: { category: { eq: category } } } },
      { identity: { interests: { hasAny: [firstInterest, secondInterest] } } },
    ],
  });
  await expect(settledSize(page)).resolves.toBe(crossed.size);
  expect(crossed.size).not.toBe(eventOnly.size);

  // Country: the catalog's codes; ↓ then Enter takes the most frequent.
  const country = await addCriterion(page, 1, 'Country');
  const countryInput = country.getByLabel('Country: value');
  await countryInput.click();
  expect(await offered(country)).toEqual(values(catalog.countries));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const countryCode = catalog.countries[0].value;
  await expect(countryInput.inputValue()).resolves.toBe(countryCode);

  // A name the base has not seen yet is kept as typed, and the API's warning shows at it.
  const unseen = 'webinar_registered_next_quarter';
  expect(eventNames).not.toContain(unseen);
  await eventName.fill(unseen);
  await page.keyboard.press('Enter');
  await expect(eventName.inputValue()).resolves.toBe(unseen);
  const withUnseen = await evaluated({
    and: [
      { behaviour: { event: { name: unseen } } },
      { behaviour: { purchase: { category: { eq: category } } } },
      { identity: { interests: { hasAny: [firstInterest, secondInterest] } } },
      { identity: { country: { eq: countryCode } } },
    ],
  });
  const unseenWarning = withUnseen.warnings.find((warning) => warning.path.startsWith('filter.and.0'));
  expect(unseenWarning).toBeDefined();
  await event.getByText(unseenWarning!.message, { exact: true }).waitFor({ timeout: 20_000 });
  await expect(settledSize(page)).resolves.toBe(withUnseen.size);

  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
  expect(failed).toEqual([]);
  await context.close();
}, 120_000);

test('an invalid criterion shows the API message at that criterion, and the size comes back once fixed', async () => {
  const { context, page, outside, errors } = await openStudio('#/builder');
  await shownSize(page);
  const bought = await addCriterion(page, 1, 'Bought (orders)');
  await bought.getByLabel('In the last (days)').fill('-3');
  const refused = await server.post('query ($f: SegmentFilter!) { evaluateSegment(filter: $f) { size } }', {
    f: { behaviour: { purchase: { within: { lastDays: -3 } } } },
  });
  const apiMessage = String(refused.body.errors![0].message);
  expect(refused.body.errors![0].extensions.path).toBe('filter.behaviour.purchase.within.lastDays');
  await bought.getByRole('alert').getByText(apiMessage, { exact: true }).waitFor({ timeout: 20_000 });
  await expect(page.getByTestId('size').textContent()).resolves.toBe('—');

  await bought.getByLabel('In the last (days)').fill('30');
  await expect(settledSize(page)).resolves.toBeGreaterThan(0);
  await expect(bought.getByRole('alert').count()).resolves.toBe(0);
  expect(outside).toEqual([]);
  // The refused answer is a 400, which Chromium reports in the console; nothing else may be there.
  expect(errors.filter((text) => !/status of 400/.test(text))).toEqual([]);
  await context.close();
}, 60_000);

test('an update made on a stale version shows the conflict, keeps the edits, and can replace the newer version', async () => {
  const created = await server.post(
    'mutation { createSegment(input: { name: "Studio conflict", filter: { identity: { country: { eq: "DE" } } } }) { id } }',
  );
  const id = created.body.data.createSegment.id;
  const { context, page, errors } = await openStudio(`#/builder?segment=${id}`);
  const country = page.locator('li.criterion', { hasText: 'Country' });
  await expect(country.getByLabel('Country: value').inputValue()).resolves.toBe('DE');
  // Someone else saves version 2 meanwhile.
  await server.post(
    `mutation { updateSegment(id: "${id}", expectedVersion: 1, input: { name: "Studio conflict", filter: { identity: { country: { eq: "BE" } } } }) { version } }`,
  );
  await country.getByLabel('Country: value').fill('FR');
  await page.getByRole('button', { name: 'Update “Studio conflict”' }).click();
  const conflict = page.locator('.conflict');
  await conflict.getByText('it is now version 2').waitFor({ timeout: 20_000 });
  await expect(country.getByLabel('Country: value').inputValue()).resolves.toBe('FR');
  await conflict.getByRole('button', { name: 'Replace version 2 with mine' }).click();
  await page.getByText('Segment updated.').waitFor({ timeout: 20_000 });
  const now = await server.post(`{ segment(id: "${id}") { version filter } }`);
  expect(now.body.data.segment).toEqual({ version: 3, filter: { identity: { country: { eq: 'FR' } } } });
  expect(errors.filter((text) => !/status of 409/.test(text))).toEqual([]);
  await context.close();
}, 60_000);

test('every page opens offline with no console error and no serious or critical accessibility violation', async () => {
  const anySegment = await server.post('{ segments(first: 1) { edges { node { id } } } }');
  const segmentId = anySegment.body.data.segments.edges[0]?.node.id ?? '1';
  const { context, page, outside, errors, failed } = await openStudio('#/builder');
  const report: Record<string, string[]> = {};
  for (const fragment of [
    '#/builder',
    '#/members',
    '#/map',
    '#/segments',
    `#/segments/${segmentId}`,
    '#/personas',
  ]) {
    await page.goto(`${origin}/studio/${fragment}`);
    await page.locator('main h1').waitFor();
    await page.waitForLoadState('networkidle');
    report[fragment] = await seriousViolations(page);
  }
  expect(report).toEqual(Object.fromEntries(Object.keys(report).map((key) => [key, []])));
  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
  expect(failed).toEqual([]);
  await context.close();
}, 120_000);
