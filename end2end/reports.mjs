// End-to-end journey of issue 4: a CSP uploads its monthly report with a file and sees the
// progress bar (and can cancel), the agency returns it with a comment, the CSP resubmits, the
// agency accepts, and the regulator's matrix shows the change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, SHOTS, open, hydrated, signIn } from './lib.mjs';

const AGENCY = '示范市政务服务数据管理局';

/** A PDF of `mb` megabytes (a valid header, then padding), as Playwright's file payload. */
function pdf(name, mb) {
  const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  const body = Buffer.alloc(mb * 1024 * 1024 - head.length, 0x20);
  return { name, mimeType: 'application/pdf', buffer: Buffer.concat([head, body]) };
}

/** Slows the page's uploads, so the progress bar is there to see. */
async function slowUploads(context, page, bytesPerSecond) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: bytesPerSecond,
  });
  return cdp;
}

/** The regulator's matrix cell of the agency in the column of `period`. */
async function matrixCell(page, period) {
  await page.goto(`${BASE}/reports/matrix?kind=csp_monthly`);
  await hydrated(page);
  return page.$eval('[data-test="report-matrix"]', (table, [agency, period]) => {
    const col = [...table.tHead.rows[0].cells].findIndex((c) => c.textContent.trim() === period);
    const row = [...table.tBodies[0].rows].find((r) => r.dataset.agency === agency);
    return col > 0 && row ? row.cells[col].dataset.state : null;
  }, [AGENCY, period]);
}

test('a CSP uploads a monthly report, the agency returns it, the CSP resubmits, the agency accepts, the matrix shows it', async () => {
  // The CSP's report to the agency that is due or overdue.
  const csp = await open();
  await signIn(csp.page, 'security@csp.example');
  await csp.page.goto(`${BASE}/reports?side=submit&kind=csp_monthly`);
  await hydrated(csp.page);
  // The list as rendered once hydration settled (under load a resource may render again).
  await csp.page.waitForSelector('[data-test="report-items"] tbody tr [data-test="submit-report"]');
  const row = await csp.page.$$eval('[data-test="report-items"] tbody tr', (rows, agency) => {
    const r = rows.find((x) => x.textContent.includes(agency) && ['overdue', 'due'].includes(x.dataset.state)
      && x.querySelector('[data-test="submit-report"]'));
    return r && { period: r.dataset.period, state: r.dataset.state, href: r.querySelector('[data-test="submit-report"]').getAttribute('href') };
  }, AGENCY);
  assert.ok(row, 'a report to submit');
  assert.match(row.state, /^(overdue|due)$/);
  await csp.page.screenshot({ path: join(SHOTS, 'reports-csp.png'), fullPage: true });

  const regulator = await open();
  await signIn(regulator.page, 'admin@east-regulator.example');
  assert.equal(await matrixCell(regulator.page, row.period), row.state, 'the matrix shows the period as the CSP does');

  // Start an upload on a slow line, watch the bar, cancel: nothing is stored.
  await csp.page.goto(`${BASE}${row.href}`);
  await hydrated(csp.page);
  const form = '[data-test="submit-form"]';
  assert.equal(await csp.page.$eval(`${form} select[name="period"]`, (s) => s.value), row.period);
  await csp.page.fill(`${form} input[name="availability_pct"]`, '99.95');
  await csp.page.fill(`${form} input[name="attacks_blocked"]`, '2048');
  await csp.page.setInputFiles(`${form} input[type="file"]`, [pdf('月度安全运行报告.pdf', 3)]);
  const cdp = await slowUploads(csp.context, csp.page, 512 * 1024);
  await csp.page.click('[data-test="send-report"]');
  await csp.page.waitForSelector('[data-test="upload-progress"] progress');
  await csp.page.waitForFunction(() => Number(document.querySelector('[data-test="upload-progress"] progress')?.value) > 0);
  await csp.page.screenshot({ path: join(SHOTS, 'report-upload-progress.png'), fullPage: true });
  await csp.page.click('[data-test="cancel-upload"]');
  await csp.page.waitForSelector('[data-test="upload-cancelled"]');
  assert.equal(await matrixCell(regulator.page, row.period), row.state, 'a cancelled upload stores nothing');

  // Now the real upload: the bar moves, then the submission page opens.
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 10, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
  await Promise.all([
    csp.page.waitForURL(/\/reports\/submissions\//, { timeout: 60000 }),
    csp.page.click('[data-test="send-report"]'),
  ]);
  await hydrated(csp.page);
  const submissionUrl = csp.page.url();
  assert.match(await csp.page.textContent('[data-test="file-link"]'), /月度安全运行报告\.pdf/);
  assert.equal(await csp.page.getAttribute('[data-test="submission-facts"] [data-state]', 'data-state'), 'submitted');
  assert.equal(await matrixCell(regulator.page, row.period), 'submitted');

  // The agency returns it with a comment.
  const agency = await open();
  await signIn(agency.page, 'admin@agency.example');
  await agency.page.goto(submissionUrl);
  await hydrated(agency.page);
  await agency.page.fill('[data-test="review-form"] textarea[name="comment"]', '请补充备份恢复测试记录。');
  await agency.page.click('[data-test="return-report"]');
  await agency.page.waitForSelector('[data-test="review"]');
  assert.match(await agency.page.textContent('[data-test="review"]'), /请补充备份恢复测试记录/);
  assert.equal(await agency.page.$('[data-test="review-form"]'), null, 'nothing left to review');
  assert.equal(await matrixCell(regulator.page, row.period), 'returned');

  // The CSP resubmits from the submission page; the form is prefilled from the last version.
  await csp.page.goto(submissionUrl);
  await hydrated(csp.page);
  await Promise.all([csp.page.waitForURL(/resubmit=/), csp.page.click('[data-test="resubmit-report"]')]);
  await hydrated(csp.page);
  assert.equal(await csp.page.inputValue(`${form} input[name="availability_pct"]`), '99.95');
  await csp.page.check(`${form} input[name="restore_test_done"]`);
  // The returned version's PDF is offered, ticked: the new version keeps it without a new upload.
  const keep = `${form} [data-test="keep-files"] input[name="keep_files"]`;
  assert.equal(await csp.page.$$eval(keep, (b) => b.filter((x) => x.checked).length), 1);
  assert.match(await csp.page.textContent(`${form} [data-test="keep-files"]`), /月度安全运行报告\.pdf/);
  await csp.page.screenshot({ path: join(SHOTS, 'report-resubmit.png'), fullPage: true });
  await Promise.all([csp.page.waitForURL(submissionUrl), csp.page.click('[data-test="send-report"]')]);
  await hydrated(csp.page);
  assert.equal(await csp.page.$$eval('section.version', (v) => v.length), 2, 'both versions kept');
  assert.deepEqual(
    await csp.page.$$eval('section.version', (v) => v.map((s) => s.querySelectorAll('[data-test="file-link"]').length)),
    [1, 1],
    'the new version carries the PDF',
  );

  // The agency accepts; the regulator's matrix shows it accepted (late when the due date had passed).
  await agency.page.goto(submissionUrl);
  await hydrated(agency.page);
  await agency.page.click('[data-test="accept-report"]');
  await agency.page.waitForSelector('[data-test="submission-facts"] [data-state^="accepted"]');
  await agency.page.screenshot({ path: join(SHOTS, 'report-accepted.png'), fullPage: true });
  const want = row.state === 'overdue' ? 'accepted_late' : 'accepted';
  assert.equal(await matrixCell(regulator.page, row.period), want);
  await regulator.page.screenshot({ path: join(SHOTS, 'report-matrix.png'), fullPage: true });

  for (const who of [csp, agency, regulator]) {
    assert.deepEqual(who.errors.filter((e) => !/status of 4\d\d/.test(e)), []);
    await who.context.close();
  }
});

test('a regulator goes from the matrix to an overdue report, reminds its submitter, and returns with the filter kept', async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'admin@regulator.example');
  await page.goto(`${BASE}/reports/matrix?kind=self_check&cadence=yearly`);
  await hydrated(page);
  // The legend says what the symbols mean; the province sees each city with its totals.
  assert.ok(await page.isVisible('[data-test="matrix-legend"]'));
  const cities = await page.$$eval('[data-test="matrix-groups"] [data-test="group-link"]', (a) => a.map((x) => x.textContent.trim()));
  assert.ok(cities.length >= 2, JSON.stringify(cities));
  // An overdue cell opens that agency's list for the period.
  const overdue = '[data-test="report-matrix"] td[data-state="overdue"] a[data-test="cell-link"]';
  await Promise.all([page.waitForURL(/\/reports\?/), page.click(overdue)]);
  await hydrated(page);
  const url = new URL(page.url());
  assert.ok(url.searchParams.get('period') && url.searchParams.get('q'), url.href);
  const row = '[data-test="report-items"] tr[data-state="overdue"]';
  await page.waitForSelector(row);
  // A reminder goes out once a day.
  await page.click(`${row} [data-test="remind"]`);
  await page.waitForSelector('[data-test="action-done"]');
  assert.match(await page.textContent('[data-test="action-done"]'), /提醒已发出/);
  await page.click(`${row} [data-test="remind"]`);
  await page.waitForSelector('[data-test="error"]');
  assert.match(await page.textContent('[data-test="error"]'), /今天已/);
  await page.screenshot({ path: join(SHOTS, 'matrix-to-list-reminded.png'), fullPage: true });
  // Back to the matrix, with its filter.
  await Promise.all([page.waitForURL(/\/reports\/matrix\?/), page.click('[data-test="back-to-matrix"]')]);
  const back = new URL(page.url());
  assert.equal(back.searchParams.get('kind'), 'self_check');
  assert.equal(back.searchParams.get('cadence'), 'yearly');
  // The one console error is the refused second reminder's 409.
  assert.deepEqual(errors.filter((e) => !e.includes('status of 409')), []);
  await context.close();
});
