// End-to-end journey of issue 19 (change notices): a CSP classifies and submits a transformative
// change affecting two agencies under different regulators; one agency acknowledges, the other
// asks a question and acknowledges the revision; both regulators approve; the CSP records the
// implementation, attaches the assessment and closes the notice (on the page that asks first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, SHOTS, open, hydrated, signIn } from './lib.mjs';

/** `YYYY-MM-DDTHH:MM` in the portal's zone, `days` from now at `hour`. */
function local(days, hour) {
  const d = new Date(Date.now() + 8 * 3600000 + days * 86400000).toISOString().slice(0, 10);
  return `${d}T${String(hour).padStart(2, '0')}:00`;
}

async function as(email, path, work, { refusals = false } = {}) {
  const { context, page, errors } = await open();
  await signIn(page, email);
  await page.goto(`${BASE}${path}`);
  await hydrated(page);
  await work(page);
  // A refused form's answer (422) is the one error the console may show where a journey refuses.
  const unexpected = refusals ? errors.filter((e) => !e.includes('status of 422')) : errors;
  assert.deepEqual(unexpected, [], `${email}: no console errors`);
  await context.close();
}

async function step(page, action, body) {
  await page.click(`[data-action="${action}"] summary`);
  if (body !== undefined) await page.fill(`[data-action="${action}"] textarea[name="input[body]"]`, body);
  await page.click(`[data-test="do-${action}"]`);
  await page.waitForSelector('[data-test="action-done"]');
}

test('a transformative change is answered, revised, approved, implemented, assessed and closed', async () => {
  const stamp = Date.now().toString().slice(-6);
  let url;
  await as('admin@csp.example', '/changes/new', async (page) => {
    // The classification: significant, not routine, no impact change, transformative.
    for (const [q, a] of [['significant', 'yes'], ['routine', 'no'], ['impact', 'no'], ['transformative', 'yes']]) {
      await page.check(`input[name="${q}"][value="${a}"]`);
    }
    await Promise.all([page.waitForURL(/transformative=yes/), page.click('[data-test="classify-button"]')]);
    await page.waitForSelector('[data-test="notice-form"]');
    assert.match(await page.textContent('[data-test="change-type"]'), /转型性变更/);
    const form = '[data-test="notice-form"] form';
    await page.fill(`${form} input[name="input[title]"]`, `核心数据库升级 ${stamp}`);
    await page.fill(`${form} input[name="input[planned_start]"]`, local(70, 22));
    await page.fill(`${form} input[name="input[planned_end]"]`, local(71, 2));
    await page.check(`${form} label:has-text("zwfw.demo.gov.cn") input`);
    await page.check(`${form} label:has-text("amr.linsheng.gov.cn") input`);
    await page.fill(`${form} textarea[name="input[description]"]`, '数据库由 12 版升级至 16 版。');
    await page.fill(`${form} textarea[name="input[impact_analysis]"]`, '升级期间只读约 20 分钟。');
    await page.fill(`${form} textarea[name="input[rollback_plan]"]`, '保留旧实例，可 10 分钟内回切。');
    await page.fill(`${form} textarea[name="input[verification_plan]"]`, '升级后回归测试与拨测。');
    await page.screenshot({ path: join(SHOTS, 'changes-new.png'), fullPage: true });
    await Promise.all([page.waitForURL(/\/changes\/[0-9a-f-]{36}$/), page.click('[data-test="submit-notice"]')]);
    await page.waitForSelector('[data-test="notice-status"]');
    url = new URL(page.url()).pathname;
    assert.match(await page.textContent('[data-test="notice-status"]'), /审阅中/);
    assert.match(await page.textContent('[data-test="counts"]'), /0 \/ 2/);
  });
  await as('admin@agency.example', '/changes', async (page) => {
    assert.match(await page.textContent('[data-test="awaiting"]'), new RegExp(`核心数据库升级 ${stamp}`));
    await page.goto(`${BASE}${url}`);
    await hydrated(page);
    await step(page, 'acknowledge', '请提前在门户发布公告。');
    await page.waitForSelector('[data-test="counts"]:has-text("1 / 2")');
  });
  await as('admin@market.example', url, async (page) => {
    await step(page, 'ask', '能否改到周日凌晨？');
    await page.waitForSelector('[data-test="notice-status"]:has-text("待修订")');
  });
  await as('admin@csp.example', `${url}/revise`, async (page) => {
    await page.fill('[data-test="revision-note-input"]', '窗口改至周日凌晨。');
    await page.fill('[data-test="revise-form"] input[name="input[planned_start]"]', local(72, 1));
    await page.fill('[data-test="revise-form"] input[name="input[planned_end]"]', local(72, 4));
    await Promise.all([page.waitForURL(/\/changes\/[0-9a-f-]{36}$/), page.click('[data-test="submit-revision"]')]);
    await page.waitForSelector('[data-test="revision-diff"]');
  });
  // The revised window is on the calendar of planned changes of each agency it affects.
  await as('admin@agency.example', `/changes/calendar?month=${local(72, 1).slice(0, 7)}`, async (page) => {
    const day = Number(local(72, 1).slice(8, 10));
    await page.waitForSelector(`[data-test="month-grid"] [data-day="${day}"] a:has-text("核心数据库升级 ${stamp}")`);
    await page.screenshot({ path: join(SHOTS, 'changes-calendar.png'), fullPage: true });
  });
  await as('admin@market.example', url, async (page) => {
    assert.match(await page.textContent('[data-test="revision-note"]'), /周日凌晨/);
    await step(page, 'acknowledge');
    await page.waitForSelector('[data-test="counts"]:has-text("2 / 2")');
  });
  for (const regulator of ['admin@east-regulator.example', 'admin@neighbour-regulator.example']) {
    await as(regulator, url, async (page) => {
      await step(page, 'approve', '同意。');
    });
  }
  await as('admin@csp.example', url, async (page) => {
    await page.waitForSelector('[data-test="notice-status"]:has-text("可以实施")');
    await page.screenshot({ path: join(SHOTS, 'changes-cleared.png'), fullPage: true });
    await page.click('[data-action="implement"] summary');
    await page.fill('[data-action="implement"] input[name="input[actual_start]"]', local(-1, 22));
    await page.fill('[data-action="implement"] input[name="input[actual_end]"]', local(0, 0));
    await page.click('[data-test="do-implement"]');
    await page.waitForSelector('[data-test="notice-status"]:has-text("已实施")');
    // The assessment names its report: attached first, through the plain upload form.
    await page.waitForSelector('[data-test="step-hint"]', { state: 'attached' });
    await page.selectOption('[data-test="file-purpose"]', 'assessment');
    await page.setInputFiles('[data-test="file-input"]', {
      name: '变更后安全评估报告.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
    });
    await Promise.all([page.waitForNavigation(), page.click('[data-test="upload"]')]);
    await hydrated(page);
    await page.waitForSelector('[data-test="files"] a:has-text("变更后安全评估报告.pdf")');
    assert.equal(await page.$('[data-test="step-hint"]'), null, 'the report is attached');
    await step(page, 'assess', `变更后安全评估通过 ${stamp}`);
    await page.waitForSelector('[data-test="notice-status"]:has-text("已评估")');
    await Promise.all([page.waitForURL(/confirm\?action=close/), page.click('[data-test="ask-close"]')]);
    await hydrated(page);
    await Promise.all([page.waitForURL(/\/changes\/[0-9a-f-]{36}$/), page.click('[data-test="confirm-button"]')]);
    await page.waitForSelector('[data-test="notice-status"]:has-text("已关闭")');
    const steps = await page.$$eval('[data-test="timeline"] li', (lis) => lis.map((li) => li.getAttribute('data-step')));
    assert.deepEqual(steps, ['submitted', 'acknowledged', 'question', 'revised', 'acknowledged', 'approved', 'approved', 'implemented', 'assessed', 'closed']);
    await page.screenshot({ path: join(SHOTS, 'changes-closed.png'), fullPage: true });
  });
});

test('a routine change needs no notice, and the pages fit a narrow screen in English', async () => {
  await as('admin@csp.example', '/changes/new?significant=yes&routine=yes', async (page) => {
    assert.ok(await page.isVisible('[data-test="no-notice"]'));
    assert.equal(await page.$('[data-test="notice-form"]'), null, 'nothing to fill in, nothing stored');
  });
  const { context, page } = await open({ locale: 'en' });
  await page.setViewportSize({ width: 400, height: 860 });
  await signIn(page, 'admin@east-regulator.example');
  await page.goto(`${BASE}/changes`);
  await hydrated(page);
  await Promise.all([page.waitForNavigation(), page.click('[data-test="lang-en"]')]);
  await hydrated(page);
  assert.match(await page.textContent('h1'), /Change notices/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal overflow at 400 px (${overflow})`);
  await page.screenshot({ path: join(SHOTS, 'changes-regulator-400-en.png'), fullPage: true });
  await context.close();
});

test("an agency holds its CSP to stricter terms; the platform corrects the working calendar", async () => {
  await as('admin@market.example', '/changes', async (page) => {
    await Promise.all([page.waitForURL(/\/changes\/terms$/), page.click('[data-test="terms-link"]')]);
    await hydrated(page);
    const card = '[data-test="terms"]:has-text("示范云计算有限公司")';
    // Less notice than the default is refused, naming the field; nothing is stored.
    await page.fill(`${card} input[name="input[initial_bd]"]`, '20');
    await page.click(`${card} [data-test="save-terms"]`);
    await page.waitForSelector('[data-test="error"]');
    await page.fill(`${card} input[name="input[initial_bd]"]`, '35');
    await page.click(`${card} [data-test="save-terms"]`);
    await page.waitForSelector('[data-test="action-done"]');
    await page.waitForSelector(`${card} .st-due`);
    assert.equal(await page.inputValue(`${card} input[name="input[initial_bd]"]`), '35');
  }, { refusals: true });
  await as('platform@portal.example', '/work-calendar', async (page) => {
    await page.fill('input[name="day"]', '2027-03-01');
    await page.selectOption('select[name="mark"]', 'holiday');
    await page.fill('input[name="note"]', '演练调休');
    await page.click('[data-test="save-day"]');
    await page.waitForSelector('[data-test="corrections"] tr[data-day="2027-03-01"]');
    await page.fill('input[name="day"]', '2027-03-01');
    await page.selectOption('select[name="mark"]', 'seeded');
    await page.click('[data-test="save-day"]');
    await page.waitForSelector('[data-test="no-corrections"]');
  });
});
