// An exit in Chromium: the agency opens an exit from its CSP; both sides agree the plan; the CSP
// fills the inventory with two files; the agency verifies one and finds the other mismatched; the
// CSP uploads the right file and both verify; the CSP confirms the deletion; the assessor signs
// off; the agency completes the exit, the engagement ends and the CSP loses its access. The
// journey first engages a CSP of its own (the files run in any order, and the demo's other
// engagements are the other journeys').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { BASE, SHOTS, open, hydrated, signIn } from './lib.mjs';

/** A day `days` from today on Beijing's calendar (`YYYY-MM-DD`). */
function beijingDay(days) {
  return new Date(Date.now() + days * 86400e3 + 8 * 3600e3).toISOString().slice(0, 10);
}

const file = (name, text) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(text) });

let exitUrl;

async function as(email) {
  const s = await open();
  await signIn(s.page, email);
  return s;
}

/** Opens the exit and waits for the page to be live. */
async function visit(s) {
  await s.page.goto(exitUrl);
  await hydrated(s.page);
}

/** Clicks a one-button action and waits for the page to show `selector`. */
async function press(s, button, selector) {
  await s.page.click(`[data-test="${button}"]`);
  await s.page.waitForSelector(selector);
}

const CSP = '天穹云科技股份有限公司';

test('the agency opens an exit and both sides agree its plan', async () => {
  const agency = await as('admin@agency.example');
  // An engagement of this journey's own: the agency invites csp3 for one website, which accepts.
  await agency.page.goto(`${BASE}/engagements`);
  await hydrated(agency.page);
  await agency.page.click('[data-test="invite-provider"] summary');
  const form = '[data-test="invite-provider"] form';
  const provider = await agency.page.$eval(`${form} select[name="provider_id"]`, (s, name) =>
    [...s.options].find((o) => o.textContent.includes(name)).value, CSP);
  await agency.page.selectOption(`${form} select[name="provider_id"]`, provider);
  await agency.page.fill(`${form} input[name="starts_on"]`, '2026-01-01');
  await agency.page.fill(`${form} input[name="ends_on"]`, '2028-12-31');
  const site = await agency.page.$eval(`${form} fieldset`, (f) =>
    [...f.querySelectorAll('label')].find((l) => l.textContent.includes('data.demo.gov.cn')).querySelector('input').value);
  await agency.page.check(`${form} input[value="${site}"]`);
  await agency.page.click(`${form} button[type="submit"]`);
  await agency.page.waitForSelector(`[data-test="engagements"] tr[data-provider="${CSP}"] [data-status="invited"]`);
  const invited = await as('admin@csp3.example');
  await hydrated(invited.page);
  const row = '[data-test="engagements-panel"] tr[data-agency="示范市政务服务数据管理局"]';
  await invited.page.click(`${row} [data-test="accept"]`);
  await invited.page.waitForSelector(`${row} .badge.ok`);
  await invited.context.close();

  await agency.page.goto(`${BASE}/exits`);
  await hydrated(agency.page);
  const option = await agency.page.$eval('[data-test="engagement"]', (s, name) =>
    [...s.options].find((o) => o.textContent.includes(name))?.value, CSP);
  assert.ok(option, 'the CSP engagement can be left');
  await agency.page.selectOption('[data-test="engagement"]', option);
  await agency.page.fill('[data-test="target-date"]', beijingDay(30));
  await Promise.all([agency.page.waitForURL(/\/exits\/[0-9a-f-]{36}$/), agency.page.click('[data-test="open-exit-button"]')]);
  exitUrl = agency.page.url();
  await hydrated(agency.page);
  await agency.page.fill('[data-test="step-title"]', '导出全部业务数据并移交');
  await agency.page.selectOption('[data-test="add-step"] select[name="input[owner]"]', 'provider');
  await agency.page.fill('[data-test="step-due"]', beijingDay(10));
  await press(agency, 'add-step-button', '[data-test="steps"] tr[data-step]');
  await press(agency, 'agree-plan', '[data-test="agreed-agency"]:not(:text("—"))');
  assert.deepEqual(agency.errors, []);
  await agency.context.close();

  const csp = await as('admin@csp3.example');
  await visit(csp);
  await press(csp, 'agree-plan', '[data-status="handover"]');
  assert.deepEqual(csp.errors, []);
  await csp.context.close();
});

test('the CSP hands over two files; one verifies, the other is mismatched until the right file comes', async () => {
  const csp = await as('admin@csp3.example');
  await visit(csp);
  const add = async (name, upload, sha) => {
    await csp.page.fill('[data-test="item-name"]', name);
    await csp.page.setInputFiles('[data-test="item-file"]', upload);
    if (sha) await csp.page.fill('[data-test="item-sha"]', sha);
    await Promise.all([csp.page.waitForNavigation(), csp.page.click('[data-test="add-item-button"]')]);
  };
  await add('业务数据库导出', file('export.sql', 'INSERT INTO site VALUES (1);\n'));
  // Declared with the checksum of an older copy.
  await add('网站日志归档', file('logs.txt', 'GET / 200\n'), 'ab'.repeat(32));
  assert.equal(await csp.page.locator('[data-test="inventory"] [data-item]').count(), 2);
  assert.equal(await csp.page.locator('[data-test="file-differs"]').count(), 1, 'the CSP sees which file differs');
  await csp.context.close();

  const agency = await as('admin@agency.example');
  await visit(agency);
  for (let i = 0; i < 2; i++) {
    const card = agency.page.locator('[data-test="inventory"] [data-item]').nth(i);
    await Promise.all([agency.page.waitForNavigation(), card.locator('[data-test="verify-button"]').click()]);
  }
  const states = await agency.page.$$eval('[data-test="inventory"] [data-verification]', (b) => b.map((x) => x.dataset.verification));
  assert.deepEqual(states, ['verified', 'mismatch']);
  assert.ok((await agency.page.textContent('[data-test="blockers"]')).length > 0);
  await agency.page.screenshot({ path: join(SHOTS, 'exit-mismatch.png'), fullPage: true });
  await agency.context.close();

  const fix = await as('admin@csp3.example');
  await visit(fix);
  const card = fix.page.locator('[data-test="inventory"] [data-item]').nth(1);
  await card.locator('[data-test="correct-item"] summary').click();
  await card.locator('[data-test="correct-file"]').setInputFiles(file('logs.txt', 'GET / 200\nGET /about 200\n'));
  await Promise.all([fix.page.waitForNavigation(), card.locator('[data-test="correct-button"]').click()]);
  assert.equal(await fix.page.locator('[data-test="inventory"] [data-verification="pending"]').count(), 1);
  await fix.context.close();

  const again = await as('admin@agency.example');
  await visit(again);
  const pending = again.page.locator('[data-test="inventory"] [data-item]').nth(1);
  await Promise.all([again.page.waitForNavigation(), pending.locator('[data-test="verify-button"]').click()]);
  assert.equal(await again.page.locator('[data-test="inventory"] [data-verification="verified"]').count(), 2);
  await again.page.waitForSelector('[data-status="deletion"]');
  // The assessor the agency engaged is named to sign the exit off.
  await hydrated(again.page);
  const assessor = await again.page.$eval('[data-test="assessor-choice"]', (s) =>
    [...s.options].find((o) => o.textContent.includes('示范信息安全测评中心'))?.value);
  await again.page.selectOption('[data-test="assessor-choice"]', assessor);
  await press(again, 'set-assessor-button', '[data-test="assessor"]:text("示范信息安全测评中心")');
  assert.deepEqual(again.errors, []);
  await again.context.close();
});

test('the CSP confirms the deletion, the assessor signs off, and completion ends the CSP\'s access', async () => {
  const csp = await as('admin@csp3.example');
  await visit(csp);
  await csp.page.fill('[data-test="deletion-plan-text"]', '交接完成后删除生产数据、快照与全部异地备份。');
  await press(csp, 'deletion-plan-button', '[data-test="deletion-plan"]');
  await press(csp, 'step-done', '[data-test="steps"] tr[data-step] td:last-child:not(:has(button))');
  await csp.page.click('[data-test="confirm-deletion-link"]');
  await hydrated(csp.page);
  await csp.page.fill('[data-test="data-day"]', beijingDay(0));
  await csp.page.fill('[data-test="backups-day"]', beijingDay(0));
  await Promise.all([csp.page.waitForURL(exitUrl), csp.page.click('[data-test="confirm-button"]')]);
  await csp.page.waitForSelector('[data-status="sign_off"]');
  assert.deepEqual(csp.errors, []);
  await csp.context.close();

  const assessor = await as('admin@assessor.example');
  await visit(assessor);
  await press(assessor, 'sign-off-button', '[data-test="signed-off"]');
  assert.deepEqual(assessor.errors, []);
  await assessor.context.close();

  const agency = await as('admin@agency.example');
  await visit(agency);
  await agency.page.click('[data-test="complete-link"]');
  await hydrated(agency.page);
  await Promise.all([agency.page.waitForURL(exitUrl), agency.page.click('[data-test="confirm-button"]')]);
  await agency.page.waitForSelector('[data-status="completed"]');
  await agency.page.goto(`${exitUrl}/record`);
  await agency.page.waitForSelector('[data-test="exit-record"]');
  assert.equal(await agency.page.locator('[data-test="record-items"] tbody tr').count(), 2);
  await agency.page.screenshot({ path: join(SHOTS, 'exit-record.png'), fullPage: true });
  await agency.page.emulateMedia({ media: 'print' });
  await agency.page.pdf({ path: join(SHOTS, 'exit-record.pdf'), format: 'A4' });
  assert.deepEqual(agency.errors, []);
  await agency.context.close();

  const gone = await as('admin@csp3.example');
  const res = await gone.page.goto(exitUrl);
  assert.equal(res.status(), 404, 'the CSP no longer reaches the exit');
  await gone.page.goto(`${BASE}/websites`);
  assert.ok(!(await gone.page.content()).includes('data.demo.gov.cn'), 'nor the agency\'s website');
  await gone.context.close();
});

test('the agency administrator downloads the agency\'s whole archive; nobody else may', async () => {
  const agency = await as('admin@agency.example');
  await agency.page.goto(`${BASE}/people`);
  await hydrated(agency.page);
  await agency.page.waitForSelector('[data-test="agency-archive"] a');
  await agency.page.locator('[data-test="agency-archive"]').screenshot({ path: join(SHOTS, 'agency-archive.png') });
  const [download] = await Promise.all([
    agency.page.waitForEvent('download'),
    agency.page.click('[data-test="agency-archive"] a'),
  ]);
  assert.match(download.suggestedFilename(), /\.zip$/);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a ZIP');
  for (const entry of ['manifest.json', 'data/exit.json', 'data/exit_item.json', 'audit.json']) {
    assert.ok(bytes.includes(Buffer.from(entry)), `the archive holds ${entry}`);
  }
  assert.deepEqual(agency.errors, []);
  await agency.context.close();

  for (const email of ['staff@agency.example', 'admin@csp.example']) {
    const other = await as(email);
    const res = await other.page.request.get(`${BASE}/organisation/archive.zip`);
    assert.equal(res.status(), 403, `${email} may not download the agency's archive`);
    await other.context.close();
  }
});
