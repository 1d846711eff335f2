// The regulator's oversight board in Chromium: the province opens it from its dashboard, filters
// to agencies with an overdue report and an open incident (checkboxes, a plain GET form), exports
// the CSV and finds exactly the rows the page shows, opens one of them (its twelve months and its
// records), sorts and groups by sub-regulator; a city
// regulator sees only its own agencies; an agency has no board.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { BASE, SHOTS, open, hydrated, signIn } from './lib.mjs';

async function as(email) {
  const s = await open();
  await signIn(s.page, email);
  return s;
}

/** The agency names of the board's rows, in order. */
async function rowNames(page) {
  return page.$$eval('[data-test="board-table"] tbody tr', (rows) => rows.map((r) => r.dataset.name));
}

/** The first column of a CSV download (the agency), without its header. */
function csvNames(text) {
  return text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((line) => {
    const m = line.match(/^"((?:[^"]|"")*)"|^([^,]*)/);
    return (m[1] ?? m[2]).replace(/""/g, '"');
  });
}

test('the province filters the board, groups it and exports exactly what it shows', async () => {
  const s = await as('admin@regulator.example');
  const { page } = s;
  await hydrated(page);
  await page.waitForSelector('[data-test="oversight-panel"] [data-test="open-board"]');
  await page.locator('[data-test="oversight-panel"]').screenshot({ path: join(SHOTS, 'oversight-panel.png') });
  await Promise.all([page.waitForNavigation(), page.click('[data-test="open-board"]')]);
  await hydrated(page);
  await page.waitForSelector('[data-test="board-table"]');
  const all = await rowNames(page);
  assert.ok(all.length >= 6, `the province's agencies: ${all}`);
  await page.screenshot({ path: join(SHOTS, 'oversight-board.png'), fullPage: true });

  // Two filters at once: an overdue report and an open incident.
  await page.check('[data-test="has"] input[value="reports_overdue"]');
  await page.check('[data-test="has"] input[value="incident_open"]');
  await Promise.all([page.waitForURL(/has=/), page.click('[data-test="board-filter"] button[type="submit"]')]);
  await page.waitForSelector('[data-test="board-table"]');
  const shown = await rowNames(page);
  assert.ok(shown.length >= 1 && shown.length < all.length, `filtered: ${shown}`);
  for (const name of shown) {
    const cells = await page.$eval(`[data-test="board-table"] tr[data-name="${name}"]`, (tr) => ({
      reports: Number(tr.querySelector('[data-col="reports"]').textContent),
      incidents: tr.querySelector('[data-col="incidents"]').textContent,
    }));
    assert.ok(cells.reports > 0, `${name} has an overdue report`);
    assert.notEqual(cells.incidents.trim(), '0', `${name} has an open incident`);
  }
  await page.screenshot({ path: join(SHOTS, 'oversight-filtered.png'), fullPage: true });

  // The CSV holds exactly the rows shown, in their order.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="board-csv"]')]);
  const names = csvNames(readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(names, shown);

  // Opens the first of them: today's row, twelve months per module, the records behind them.
  await Promise.all([page.waitForNavigation(), page.click(`[data-test="board-table"] tr[data-name="${shown[0]}"] a[href^="/oversight/agencies/"]`)]);
  await hydrated(page);
  await page.waitForSelector('[data-test="strips"] tr[data-strip="incidents"]');
  assert.equal(await page.textContent('[data-test="agency-name"]'), shown[0]);
  assert.equal(await page.$$eval('[data-test="strips"] tr[data-strip="reports"] td', (tds) => tds.length), 12);
  assert.ok(await page.$('[data-records="incidents"] a[href^="/incidents/"]'), 'its open incident is linked');
  await page.screenshot({ path: join(SHOTS, 'oversight-agency.png'), fullPage: true });

  // Its monthly report: last month's, frozen, printed to A4.
  const agencyUrl = page.url();
  await Promise.all([page.waitForNavigation(), page.click('[data-test="open-report"]')]);
  await hydrated(page);
  await page.waitForSelector('[data-test="monthly-report"] [data-test="report-strips"]');
  assert.equal(await page.textContent('[data-test="report-name"] strong'), shown[0]);
  assert.equal(await page.getAttribute('[data-test="report-status"]', 'data-status'), 'frozen');
  assert.equal(await page.$$eval('[data-test="report-charts"] svg', (svgs) => svgs.length), 6, 'a chart per module');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('[data-test="report-controls"]'), false, 'controls are not printed');
  assert.equal(await page.isVisible('nav'), false, 'nor is the navigation');
  await page.screenshot({ path: join(SHOTS, 'oversight-report-print.png'), fullPage: true });
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(pages >= 1 && pages <= 3, `a short document: ${pages} pages`);
  writeFileSync(join(SHOTS, 'oversight-report.pdf'), pdf);
  await page.emulateMedia({ media: 'screen' });
  await page.screenshot({ path: join(SHOTS, 'oversight-report.png'), fullPage: true });
  // The jurisdiction's report: its tables and four charts.
  await page.goto(`${BASE}/oversight/report`);
  await hydrated(page);
  await page.waitForSelector('[data-test="monthly-report"] [data-test="report-month-figures"]');
  assert.equal(await page.$$eval('[data-test="report-charts"] svg', (svgs) => svgs.length), 4);
  await page.screenshot({ path: join(SHOTS, 'oversight-jurisdiction-report.png'), fullPage: true });
  await page.goto(agencyUrl);

  // Sorted by name, then grouped by sub-regulator.
  await page.goto(`${BASE}/oversight?sort=agency`);
  await hydrated(page);
  const byName = await rowNames(page);
  assert.deepEqual(byName, [...byName].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  await page.check('[data-test="board-filter"] input[name="group"]');
  await Promise.all([page.waitForURL(/group=1/), page.click('[data-test="board-filter"] button[type="submit"]')]);
  await page.waitForSelector('[data-test="groups"] tbody tr');
  const groups = await page.$$eval('[data-test="groups"] tbody tr', (rows) => rows.length);
  assert.ok(groups >= 2, 'the two cities (and the province\'s own)');
  await page.screenshot({ path: join(SHOTS, 'oversight-grouped.png'), fullPage: true });
  assert.deepEqual(s.errors, []);
  await s.context.close();
});

test('a city regulator sees only its own agencies; an agency has no board', async () => {
  const city = await as('admin@east-regulator.example');
  await city.page.goto(`${BASE}/oversight`);
  await city.page.waitForSelector('[data-test="board-table"]');
  const names = await rowNames(city.page);
  assert.ok(names.length >= 1 && names.length < 6, `the city's agencies: ${names}`);
  assert.ok(!names.includes('邻省市场监督管理局'), 'not the neighbouring province\'s');
  await city.context.close();
  const agency = await as('admin@agency.example');
  const res = await agency.page.request.get(`${BASE}/oversight/export.csv`);
  assert.equal(res.status(), 403);
  const nav = await agency.page.$$eval('nav a', (links) => links.map((a) => a.getAttribute('href')));
  assert.ok(!nav.includes('/oversight'), 'no board in an agency\'s navigation');
  await agency.context.close();
});
