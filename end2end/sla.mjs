// SLA tracking in Chromium: an agency proposes an SLA and its CSP accepts it; the CSP records a
// level-1 fault resolved past its hours and an outage; the month shows the breach and the
// compensation; the agency reclassifies the outage as maintenance and the month is computed
// anew; the agency's regulator sees the breach in its list; the CSP enters measured entries and
// the month's report judges the other terms from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, SHOTS, open, hydrated, signIn } from './lib.mjs';

/** A moment `hours` before now on Beijing's wall clock, as a datetime-local input takes it. */
function beijing(hoursAgo) {
  const t = new Date(Date.now() - hoursAgo * 3600e3 + 8 * 3600e3);
  return t.toISOString().slice(0, 16);
}

/** The month (`YYYY-MM`) of that moment in Beijing. */
function monthOf(hoursAgo) {
  return beijing(hoursAgo).slice(0, 7);
}

let engagementUrl;

test('an agency proposes an SLA and its CSP accepts it', async () => {
  const agency = await open();
  await signIn(agency.page, 'admin@market.example');
  await agency.page.goto(`${BASE}/sla`);
  await hydrated(agency.page);
  const row = agency.page.locator('[data-test="sla-list"] tr[data-engagement]').first();
  assert.ok((await row.textContent()).includes('尚无协议'));
  await row.locator('a').first().click();
  await agency.page.waitForSelector('[data-test="sla-title"]');
  await hydrated(agency.page);
  engagementUrl = agency.page.url();
  await agency.page.evaluate(() => { document.querySelector('[data-test="propose-form"]').open = true; });
  await agency.page.click('[data-test="propose"]');
  await agency.page.waitForSelector('[data-test="sla-agreement"] [data-status="proposed"]');
  assert.deepEqual(agency.errors, []);
  await agency.context.close();

  const csp = await open();
  await signIn(csp.page, 'admin@csp.example');
  await csp.page.goto(engagementUrl);
  await hydrated(csp.page);
  await csp.page.click('[data-test="accept-version"]');
  await csp.page.waitForSelector('[data-test="sla-agreement"] [data-status="accepted"]');
  await csp.page.waitForSelector('[data-test="month-table"] tr[data-month]');
  assert.deepEqual(csp.errors, []);
  await csp.context.close();
});

test('a late level-1 fault breaches, a reclassification recomputes the month, and the regulator sees the breach', async () => {
  const csp = await open();
  await signIn(csp.page, 'admin@csp.example');
  await csp.page.goto(engagementUrl);
  await hydrated(csp.page);
  const record = async (cls, from, to) => {
    await csp.page.evaluate(() => { document.querySelector('[data-test="record-form"]').open = true; });
    const form = '[data-test="record-form"] form';
    await csp.page.selectOption(`${form} select[name="input[class]"]`, cls);
    await csp.page.fill(`${form} input[name="input[started_at]"]`, beijing(from));
    await csp.page.fill(`${form} input[name="input[ended_at]"]`, beijing(to));
    if (cls === 'level1') await csp.page.fill(`${form} input[name="input[resolved_at]"]`, beijing(to));
    await csp.page.fill(`${form} textarea[name="input[cause]"]`, cls === 'level1' ? '数据库主节点故障' : '宿主机重启');
    const before = await csp.page.locator('[data-test="record-list"] tr[data-record]').count();
    await csp.page.click('[data-test="save-record"]');
    await csp.page.waitForFunction((n) => document.querySelectorAll('[data-test="record-list"] tr[data-record]').length > n, before);
  };
  // A level-1 fault of five and a half hours (its target is four) and a half-hour server outage.
  await record('level1', 6, 0.5);
  await record('server', 10, 9.5);
  const faultMonth = monthOf(6);
  const breached = csp.page.locator(`[data-test="month-table"] tr[data-month="${faultMonth}"]`);
  assert.equal(await breached.getAttribute('data-breached'), 'true');
  assert.equal(await breached.locator('[data-metric="level1"]').getAttribute('data-met'), 'false');
  assert.notEqual((await breached.locator('[data-test="compensation"]').textContent()).trim(), '¥0.00');
  await csp.page.screenshot({ path: join(SHOTS, 'sla-engagement.png'), fullPage: true });
  assert.deepEqual(csp.errors, []);
  await csp.context.close();

  // The agency finds the outage was the planned window: reclassified with a reason, the month's
  // interruption shrinks by its half hour.
  const agency = await open();
  await signIn(agency.page, 'admin@market.example');
  await agency.page.goto(engagementUrl);
  await hydrated(agency.page);
  const outageMonth = monthOf(10);
  const interrupted = () => agency.page.locator(`[data-test="month-table"] tr[data-month="${outageMonth}"] [data-test="interrupted"]`).textContent();
  const before = await interrupted();
  const outage = agency.page.locator('[data-test="record-list"] tr[data-class="server"]').first();
  await outage.locator('[data-test="reclassify-form"]').evaluate((d) => { d.open = true; });
  await outage.locator('select[name="input[class]"]').selectOption('planned');
  await outage.locator('textarea[name="input[reason]"]').fill('经核实为已通知的计划维护窗口');
  await outage.locator('[data-test="reclassify-form"] button[type="submit"]').click();
  await agency.page.waitForSelector('[data-test="record-list"] tr[data-class="planned"] [data-test="reclassified"]');
  await agency.page.waitForFunction(
    ([m, b]) => document.querySelector(`[data-test="month-table"] tr[data-month="${m}"] [data-test="interrupted"]`)?.textContent !== b,
    [outageMonth, before],
  );
  assert.notEqual(await interrupted(), before);
  assert.deepEqual(agency.errors, []);
  await agency.context.close();

  // Its regulator's list of breaches for the fault's month.
  const regulator = await open();
  await signIn(regulator.page, 'admin@neighbour-regulator.example');
  await regulator.page.goto(`${BASE}/sla?breached=on&month=${faultMonth}`);
  await hydrated(regulator.page);
  const rows = regulator.page.locator('[data-test="sla-list"] tr[data-breached="true"]');
  await rows.first().waitFor();
  assert.ok((await rows.first().textContent()).includes('邻省市场监督管理局'));
  await regulator.page.screenshot({ path: join(SHOTS, 'sla-regulator.png'), fullPage: true });
  assert.deepEqual(regulator.errors, []);
  await regulator.context.close();
});

test('the month report prints its figures, formula and records, and the year sums its months', async () => {
  const agency = await open();
  await signIn(agency.page, 'admin@market.example');
  await agency.page.goto(engagementUrl);
  await hydrated(agency.page);
  const faultMonth = monthOf(6);
  await agency.page.click(`[data-test="month-table"] tr[data-month="${faultMonth}"] [data-test="month-report"]`);
  const report = agency.page.locator('[data-test="sla-month-report"]');
  await report.waitFor();
  await hydrated(agency.page);
  assert.equal(await report.getAttribute('data-month'), faultMonth);
  assert.equal(await report.getAttribute('data-breached'), 'true');
  assert.equal(await agency.page.locator('[data-test="resolution-table"] tr[data-metric="level1"]').getAttribute('data-met'), 'false');
  // The formula the contract's maintenance rule gives, with the month's figures put in.
  const formula = await agency.page.locator('[data-test="formula"]').textContent();
  assert.ok(formula.includes('÷'), formula);
  assert.ok((await agency.page.locator('[data-test="report-records"] tbody tr').count()) >= 1);
  assert.notEqual((await agency.page.locator('[data-test="compensation"]').textContent()).trim(), '¥0.00');
  // Another month through the picker, then back: the address carries the month.
  await agency.page.screenshot({ path: join(SHOTS, 'sla-month-report.png'), fullPage: true });
  await agency.page.emulateMedia({ media: 'print' });
  await agency.page.screenshot({ path: join(SHOTS, 'sla-month-report-print.png'), fullPage: true });
  assert.equal(await agency.page.locator('.report-tools').isVisible(), false, 'the pickers do not print');
  assert.equal(await agency.page.locator('.mainnav').isVisible(), false, 'the site frame does not print');
  await agency.page.emulateMedia({ media: 'screen' });

  // The records as CSV, as the report lists them.
  const csv = await agency.page.evaluate(async (href) => (await fetch(href)).text(),
    await agency.page.locator('[data-test="records-csv"]').getAttribute('href'));
  assert.ok(csv.includes('数据库主节点故障'), csv);

  // The year: its months and their sum.
  await agency.page.goto(`${engagementUrl}/year`);
  await hydrated(agency.page);
  const year = agency.page.locator('[data-test="sla-year-report"]');
  await year.waitFor();
  assert.ok(Number(await agency.page.locator('[data-test="breached-months"]').textContent()) >= 1);
  assert.ok((await agency.page.locator('[data-test="month-table"] tr[data-month]').count()) >= 1);
  await agency.page.screenshot({ path: join(SHOTS, 'sla-year-report.png'), fullPage: true });
  assert.deepEqual(agency.errors, []);
  await agency.context.close();
});

test('measured entries judge the other terms in the month report, and their party withdraws one', async () => {
  const csp = await open();
  await signIn(csp.page, 'admin@csp.example');
  await csp.page.goto(engagementUrl);
  await hydrated(csp.page);
  const today = beijing(0).slice(0, 10);
  const tenDaysAgo = beijing(240).slice(0, 10);
  const enter = async (kind, outcome, oldest) => {
    await csp.page.waitForSelector('[data-test="measure-form"]', { state: 'attached' });
    await csp.page.evaluate(() => { document.querySelector('[data-test="measure-form"]').open = true; });
    const form = '[data-test="measure-form"] form';
    await csp.page.selectOption(`${form} [data-test="measure-kind"]`, kind);
    await csp.page.fill(`${form} [data-test="measure-day"]`, today);
    await csp.page.selectOption(`${form} [data-test="measure-outcome"]`, outcome);
    await csp.page.fill(`${form} [data-test="measure-oldest"]`, oldest);
    const before = await csp.page.locator('[data-test="measure-list"] tbody tr').count().catch(() => 0);
    await csp.page.click(`${form} [data-test="save-measure"]`);
    await csp.page.waitForFunction((n) => document.querySelectorAll('[data-test="measure-list"] tbody tr').length > n, before);
  };
  // A retention check needs its finding: refused by name, nothing stored.
  await csp.page.evaluate(() => { document.querySelector('[data-test="measure-form"]').open = true; });
  await csp.page.selectOption('[data-test="measure-kind"]', 'log_check');
  await csp.page.fill('[data-test="measure-day"]', today);
  await csp.page.click('[data-test="save-measure"]');
  await csp.page.waitForSelector('[data-test="error"]');
  assert.equal(await csp.page.locator('[data-test="measure-list"]').count(), 0);
  // Logs kept ten days where six months are agreed: short. A backup run that failed.
  await enter('log_check', 'passed', tenDaysAgo);
  await enter('backup', 'failed', '');
  const check = csp.page.locator('[data-test="measure-list"] tr[data-kind="log_check"]');
  assert.ok((await check.textContent()).includes('不足'), await check.textContent());

  await csp.page.goto(`${engagementUrl}/report?month=${today.slice(0, 7)}`);
  await hydrated(csp.page);
  const terms = csp.page.locator('[data-test="measured-terms"]');
  await terms.waitFor();
  assert.equal(await terms.locator('tr[data-term="log_retention"] [data-state]').getAttribute('data-state'), 'missed');
  const backups = await terms.locator('tr[data-term="backups"]').textContent();
  assert.ok(backups.includes('1 次失败'), backups);
  await terms.screenshot({ path: join(SHOTS, 'sla-other-terms.png') });

  // The party that entered the failed run withdraws it.
  await csp.page.goto(`${engagementUrl}#measures`);
  await hydrated(csp.page);
  await csp.page.click('[data-test="measure-list"] tr[data-kind="backup"] [data-test="withdraw-measure"]');
  await csp.page.waitForFunction(() => document.querySelector('[data-test="measure-list"] tr[data-kind="log_check"]')
    && !document.querySelector('[data-test="measure-list"] tr[data-kind="backup"]'));
  await csp.page.screenshot({ path: join(SHOTS, 'sla-measures.png'), fullPage: true });
  // The refused check's answer (422) is the one error the console may show.
  assert.deepEqual(csp.errors.filter((e) => !e.includes('status of 422')), []);
  await csp.context.close();
});
