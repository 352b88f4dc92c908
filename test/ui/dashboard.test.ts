/**
 * The dashboard (GET /__mock/ui) in a real headless Chromium, driven by role and name only, as
 * assistive technology and a developer's eyes see it. One browser for the file, a fresh mock
 * and browser context per test. The run writes the screenshots the README shows (docs/screenshots).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type RunningMock, type StartOptions } from '../../src/index.js';
import { launchChromium } from './browser.js';

const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url);
const WAIT = { timeout: 10_000, interval: 50 };
const EMBEDDED = 'Sales Analytics Portal'; // the first client of fixtures/clients.json

let browser: Browser;
let context: BrowserContext | undefined;
let mock: RunningMock | undefined;
/** What the page logged as an error or threw: nothing, in every test. */
let pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  expect(pageErrors).toEqual([]);
  await context?.close();
  await mock?.close();
  context = mock = undefined;
});

/** A fresh mock and the dashboard open on it, as a developer would see it beside their app. */
async function openDashboard(options: StartOptions = {}): Promise<Page> {
  mock = await startMock({ port: 0, ...options });
  context = await browser.newContext({ viewport: { width: 1200, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // A refused call is logged by the browser itself (the 401 before the token, a 400 shown to the user).
    if (message.type() === 'error' && !/status of 40[01]/.test(message.text())) pageErrors.push(message.text());
  });
  await page.goto(`${mock.url}/__mock/ui`);
  return page;
}

/** The app under development, calling the API: a plain fetch, as a frontend would. */
const listClients = (headers: Record<string, string> = {}) =>
  fetch(`${mock!.url}/api/core/oauth-clients`, { headers: { authorization: 'Bearer dev-token', ...headers } });

const table = (page: Page, name: string) => page.getByRole('table', { name, exact: true });
/** The body rows of a table (its first row holds the column headers). */
const bodyRows = (t: Locator) => t.getByRole('row').filter({ hasNot: t.page().getByRole('columnheader') });

/** A picture for the README; `animations: 'disabled'` ends the flash of rows that just arrived. */
async function shoot(target: Page | Locator, name: string): Promise<void> {
  await target.screenshot({ path: join(SCREENSHOTS.pathname, `${name}.png`), animations: 'disabled' });
}

describe('the dashboard in Chromium', { timeout: 60_000 }, () => {
  it('shows the data, adds a fault rule through the form, shows the requests live, applies a scenario and resets', async () => {
    const page = await openDashboard();
    const clients = table(page, 'Clients');
    await clients.getByRole('cell', { name: EMBEDDED, exact: true }).waitFor(WAIT);
    const firstClient = bodyRows(clients).first().getByRole('button');
    await firstClient.click(); // opens its full record
    await clients.getByText('"clientSecrets"').waitFor(WAIT);
    await shoot(page.locator('#clients'), 'clients');
    await firstClient.click();

    // 503 on readAllOAuthClientsQCC, times 1, through the form.
    const form = page.getByRole('form', { name: 'Add fault rule' });
    await form.getByLabel('Status', { exact: true }).fill('503');
    await form.getByLabel('Operation', { exact: true }).selectOption('readAllOAuthClientsQCC');
    await form.getByLabel('Times', { exact: true }).fill('1');
    await form.getByRole('button', { name: 'Add rule', exact: true }).click();
    const rules = table(page, 'Fault rules');
    const rule = bodyRows(rules).filter({ hasText: 'readAllOAuthClientsQCC' });
    await expect.poll(() => rule.count(), WAIT).toBe(1);
    await expect.poll(() => rule.getByRole('cell').allInnerTexts(), WAIT).toEqual(['fault-1', '503', 'readAllOAuthClientsQCC', 'next 1', '0', '1', 'Delete']);

    // The next list call answers 503, the one after 200; both appear without a reload.
    expect((await listClients()).status).toBe(503);
    expect((await listClients()).status).toBe(200);
    const requests = table(page, 'Requests');
    await expect.poll(() => bodyRows(requests).getByRole('cell', { name: /^(200|503)$/ }).allInnerTexts(), WAIT).toEqual(['200', '503']);
    await expect.poll(() => rule.getByRole('cell').allInnerTexts(), WAIT).toEqual(['fault-1', '503', 'readAllOAuthClientsQCC', 'next 1', '1', '0', 'Delete']);
    await shoot(page.locator('#faults'), 'fault-rules');

    // A request opens to its status, error detail, redacted headers and body.
    const failed = bodyRows(requests).filter({ hasText: '503' }).first();
    await failed.getByRole('button', { name: 'GET /api/core/oauth-clients' }).click();
    const detail = requests.getByRole('definition');
    await expect.poll(() => detail.allInnerTexts(), WAIT).toEqual(
      expect.arrayContaining(['503', 'The service is temporarily unavailable; try again later.', 'fault-1', 'Bearer [REDACTED]']),
    );
    await shoot(page.locator('#requests'), 'requests');
    await shoot(page, 'dashboard');

    // The empty scenario empties "Clients"; Reset brings the data back.
    const scenarios = table(page, 'Scenarios');
    await bodyRows(scenarios).filter({ hasText: /^empty/ }).getByRole('button', { name: 'Apply', exact: true }).click();
    await expect.poll(() => bodyRows(clients).count(), WAIT).toBe(0);
    await page.getByText('No clients match.').waitFor(WAIT);
    await shoot(page.locator('#scenarios'), 'scenarios');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await clients.getByRole('cell', { name: EMBEDDED, exact: true }).waitFor(WAIT);
    await expect.poll(() => bodyRows(rules).count(), WAIT).toBe(0);
  });

  it('breaks the next call with two clicks: open the request, then "Fail the next … call"', async () => {
    const page = await openDashboard();
    expect((await listClients()).status).toBe(200);
    const requests = table(page, 'Requests');
    await requests.getByRole('button', { name: 'GET /api/core/oauth-clients' }).click();
    await requests.getByRole('button', { name: 'Fail the next readAllOAuthClientsQCC call (503)' }).click();
    await bodyRows(table(page, 'Fault rules')).getByRole('cell', { name: 'fault-1', exact: true }).waitFor(WAIT);
    expect((await listClients()).status).toBe(503);
    expect((await listClients()).status).toBe(200);
    await page.getByRole('status').filter({ hasText: 'the next readAllOAuthClientsQCC call answers 503' }).waitFor(WAIT);
  });

  it('shows changes made elsewhere (the control API from another tab, API traffic) without a reload', async () => {
    const page = await openDashboard();
    const rules = table(page, 'Fault rules');
    await table(page, 'Clients').getByRole('cell', { name: EMBEDDED, exact: true }).waitFor(WAIT);
    await mock!.control.addFault({ id: 'from-elsewhere', status: 500, method: 'PATCH' });
    await bodyRows(rules).getByRole('cell', { name: 'from-elsewhere', exact: true }).waitFor(WAIT);
    await mock!.control.removeFault('from-elsewhere');
    await expect.poll(() => bodyRows(rules).count(), WAIT).toBe(0);
    const created = await fetch(`${mock!.url}/api/core/oauth-clients`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ appType: 'web', clientName: 'Made by the app' }),
    });
    expect(created.status).toBe(201);
    await table(page, 'Requests').getByRole('cell', { name: '201', exact: true }).waitFor(WAIT);
    await page.getByText('28 clients stored').waitFor(WAIT);
    const snapshot = await mock!.control.getState();
    await mock!.control.setState({ ...snapshot, clients: [{ ...snapshot.clients[0], clientName: 'Renamed in another tab' }] });
    await table(page, 'Clients').getByRole('cell', { name: 'Renamed in another tab', exact: true }).waitFor(WAIT);
    await expect.poll(() => bodyRows(table(page, 'Clients')).count(), WAIT).toBe(1);
  });

  it('looks at the session picked in "Session": its data, its requests, each named', async () => {
    const page = await openDashboard();
    await table(page, 'Clients').getByRole('cell', { name: EMBEDDED, exact: true }).waitFor(WAIT);
    const team = mock!.session('team-a');
    await team.control.applyScenario('secret-limit-reached');
    expect((await listClients(team.headers)).status).toBe(200);
    // The new session appears in the select without a reload.
    const session = page.getByRole('combobox', { name: 'Session', exact: true });
    await expect.poll(() => session.getByRole('option').allInnerTexts(), WAIT).toEqual(['default', 'team-a']);
    await session.selectOption('team-a');
    const clients = table(page, 'Clients');
    await clients.getByRole('cell', { name: 'Billing Integration', exact: true }).waitFor(WAIT);
    await expect.poll(() => bodyRows(clients).count(), WAIT).toBe(1);
    const requests = table(page, 'Requests');
    await expect.poll(() => bodyRows(requests).getByRole('cell', { name: 'team-a', exact: true }).count(), WAIT).toBe(1);
    // Rules added here go to the session looked at, not to the default one.
    const form = page.getByRole('form', { name: 'Add fault rule' });
    await form.getByLabel('Operation', { exact: true }).selectOption('readAllOAuthClientsQCC');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(async () => (await team.control.listFaults()).length, WAIT).toBe(1);
    expect(await mock!.control.listFaults()).toEqual([]);
    expect((await listClients(team.headers)).status).toBe(503);
    expect((await listClients()).status).toBe(200);
  });

  it('with --control-token, asks for the token once, keeps it for the tab and then works', async () => {
    const page = await openDashboard({ controlToken: 'let-me-in' });
    const dialog = page.getByRole('dialog', { name: 'Sign in to the control API' });
    await dialog.waitFor(WAIT);
    await dialog.getByLabel('Control token', { exact: true }).fill('wrong');
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await dialog.getByText('The mock refused that token').waitFor(WAIT);
    await dialog.getByLabel('Control token', { exact: true }).fill('let-me-in');
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await table(page, 'Clients').getByRole('cell', { name: EMBEDDED, exact: true }).waitFor(WAIT);
    expect(await dialog.isVisible()).toBe(false);
    // The change feed carries the token too: the app's request shows live.
    expect((await listClients()).status).toBe(200);
    await table(page, 'Requests').getByRole('cell', { name: '200', exact: true }).waitFor(WAIT);
    await page.reload();
    await table(page, 'Clients').getByRole('cell', { name: EMBEDDED, exact: true }).waitFor(WAIT);
    expect(await dialog.isVisible()).toBe(false);
  });

  it('filters clients with the SCIM filter, pages, and shows the API\'s own error for a bad filter', async () => {
    const page = await openDashboard();
    const clients = table(page, 'Clients');
    await clients.getByRole('cell', { name: EMBEDDED, exact: true }).waitFor(WAIT);
    expect(await bodyRows(clients).count()).toBe(20);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => bodyRows(clients).count(), WAIT).toBe(7);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => bodyRows(clients).count(), WAIT).toBe(20);
    const filter = page.getByRole('searchbox', { name: 'SCIM filter' });
    await filter.fill('appType eq "spa"');
    await filter.press('Enter');
    await expect.poll(() => bodyRows(clients).count(), WAIT).toBe(8);
    expect(new Set(await bodyRows(clients).getByRole('cell', { name: /^(web|spa|native|anonymous-embed)$/ }).allInnerTexts())).toEqual(new Set(['spa']));
    await filter.fill('appType eq');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid filter' }).waitFor(WAIT);
    expect(await bodyRows(clients).count()).toBe(8); // the last good filter stays
  });

  it('is keyboard operable: a client opens with Enter, a rule is added and deleted without a mouse', async () => {
    const page = await openDashboard();
    const clients = table(page, 'Clients');
    await clients.getByRole('cell', { name: EMBEDDED, exact: true }).waitFor(WAIT);
    const first = bodyRows(clients).first().getByRole('button');
    await first.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => first.getAttribute('aria-expanded'), WAIT).toBe('true');
    // Secrets appear as hints only.
    const record = await clients.locator('pre').innerText();
    expect(JSON.parse(record)).toMatchObject({ clientName: EMBEDDED, secrets: 2, clientSecrets: [{ hint: expect.any(String) }, { hint: expect.any(String) }] });
    expect(record).not.toContain('hash');
    await page.keyboard.press('Space');
    await expect.poll(() => first.getAttribute('aria-expanded'), WAIT).toBe('false');

    const form = page.getByRole('form', { name: 'Add fault rule' });
    await form.getByLabel('Delay (ms)', { exact: true }).focus();
    await page.keyboard.type('250');
    await page.keyboard.press('Enter'); // submits the form
    const rules = table(page, 'Fault rules');
    await expect.poll(() => bodyRows(rules).count(), WAIT).toBe(1);
    await rules.getByRole('button', { name: 'Delete', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => bodyRows(rules).count(), WAIT).toBe(0);
    for (const name of ['one', 'two']) await mock!.control.addFault({ id: name, status: 500 });
    await expect.poll(() => bodyRows(rules).count(), WAIT).toBe(2);
    await page.getByRole('button', { name: 'Delete all rules' }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => bodyRows(rules).count(), WAIT).toBe(0);
  });

  it('downloads the state as a file and uploads one', async () => {
    const page = await openDashboard();
    await table(page, 'Clients').getByRole('cell', { name: EMBEDDED, exact: true }).waitFor(WAIT);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download state' }).click()]);
    const saved = join(tmpdir(), `dashboard-state-${process.pid}.json`);
    await download.saveAs(saved);
    const snapshot = JSON.parse(readFileSync(saved, 'utf8'));
    expect(snapshot.clients).toHaveLength(27);
    writeFileSync(saved, JSON.stringify({ ...snapshot, clients: snapshot.clients.slice(0, 3) }));
    await page.getByLabel('Upload state').setInputFiles(saved);
    await expect.poll(() => bodyRows(table(page, 'Clients')).count(), WAIT).toBe(3);
    expect((await mock!.control.getState()).clients).toHaveLength(3);
    writeFileSync(saved, '{"version": 1, "clients": [{"clientId": 1}]}');
    await page.getByLabel('Upload state').setInputFiles(saved);
    await page.getByRole('alert').filter({ hasText: 'was refused' }).waitFor(WAIT);
    expect((await mock!.control.getState()).clients).toHaveLength(3);
  });
});
