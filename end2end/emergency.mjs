// End-to-end journeys of issue 18 (emergency response): the agency approves a plan and its CSP
// sees its own emergency contact in it; the agency records a drill that clears an overdue flag;
// the CSP opens a level-II incident, the regulator sees it and the mail goes out; the agency
// writes the timeline, resolves with the root cause and closes the incident.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, SHOTS, open, hydrated, signIn } from './lib.mjs';

async function done(page) {
  await page.waitForSelector('[data-test="action-done"]');
}

/** `YYYY-MM-DD` of today in the portal's zone (eight hours ahead of UTC). */
function today() {
  return new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
}

test('the agency approves a plan and its CSP sees its own contact in it', async () => {
  const stamp = Date.now().toString().slice(-6);
  // The CSP keeps its contact for the agency current, on its own emergency page.
  {
    const { context, page, errors } = await open();
    await signIn(page, 'admin@csp.example');
    await page.goto(`${BASE}/emergency`);
    await hydrated(page);
    const block = '[data-test="contacts"]:has(h3:has-text("示范市政务服务数据管理局"))';
    await page.fill(`${block} input[name="contacts[0][name]"]`, `赵云${stamp}`);
    await page.click(`${block} button[type="submit"]`);
    await done(page);
    assert.deepEqual(errors, []);
    await context.close();
  }
  const { context, page, errors } = await open();
  await signIn(page, 'admin@agency.example');
  await page.goto(`${BASE}/emergency`);
  await hydrated(page);
  await page.screenshot({ path: join(SHOTS, 'emergency-agency.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/emergency\/plans\//), page.click('[data-test="plans"] a[href^="/emergency/plans/"]')]);
  await hydrated(page);
  // The draft waiting (v2): edit a section, save, then approve it on the page that asks first.
  await page.fill('[data-test="draft-form"] textarea[name="input[safeguards]"]', `备用机房与异地备份 ${stamp}`);
  await page.click('[data-test="draft-form"] button[type="submit"]');
  await done(page);
  await Promise.all([page.waitForURL(/\/approve\?v=/), page.click('[data-test="approve-link"]')]);
  await hydrated(page);
  await page.screenshot({ path: join(SHOTS, 'emergency-approve.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/emergency\/plans\/[0-9a-f-]{36}$/), page.click('[data-test="confirm-button"]')]);
  await page.waitForSelector('[data-test="plan-version"]:has-text("已批准")');
  assert.match(await page.textContent('[data-test="plan-text"]'), new RegExp(`异地备份 ${stamp}`));
  // The contact the CSP keeps shows in the plan as it is now.
  assert.match(await page.textContent('[data-test="plan-contacts"]'), new RegExp(`赵云${stamp}`));
  await page.screenshot({ path: join(SHOTS, 'emergency-plan.png'), fullPage: true });
  const planUrl = page.url();
  assert.deepEqual(errors, []);
  await context.close();

  // The CSP reads the approved plan, with its own contact in it.
  const csp = await open();
  await signIn(csp.page, 'security@csp.example');
  await csp.page.goto(planUrl);
  await csp.page.waitForSelector('[data-test="plan-title"]');
  assert.match(await csp.page.textContent('[data-test="plan-contacts"]'), new RegExp(`赵云${stamp}`));
  assert.equal(await csp.page.$('[data-test="draft-form"]'), null, 'a provider edits no plan');
  await csp.context.close();
});

test('the agency records a drill that clears an overdue flag', async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'admin@agency.example');
  await page.goto(`${BASE}/emergency`);
  await hydrated(page);
  // The demo's agency has never drilled a disaster.
  const cell = '[data-test="drill-grid"] tr[data-category="disaster"] [data-state]';
  assert.equal(await page.getAttribute(cell, 'data-state'), 'never');
  await page.click('[data-test="record-drill"] summary');
  const form = '[data-test="record-drill"] form';
  await page.fill(`${form} input[name="input[held_on]"]`, today());
  await page.selectOption(`${form} select[name="input[category]"]`, 'disaster');
  await page.fill(`${form} textarea[name="input[scenario]"]`, '机房断电，切换至备用机房');
  await page.check(`${form} [data-test="participants"] input >> nth=0`);
  await page.fill(`${form} input[name="input[actions][0][title]"]`, '补充柴油发电机巡检记录');
  await page.fill(`${form} input[name="input[actions][0][due_on]"]`, today());
  await Promise.all([page.waitForURL(/\/emergency\/drills\//), page.click(`${form} button[type="submit"]`)]);
  await page.waitForSelector('[data-test="drill-title"]');
  assert.match(await page.textContent('[data-test="actions"]'), /补充柴油发电机巡检记录/);
  await page.screenshot({ path: join(SHOTS, 'emergency-drill.png'), fullPage: true });
  await page.goto(`${BASE}/emergency`);
  assert.equal(await page.getAttribute(cell, 'data-state'), 'current');
  // A drill dated in the future is refused, naming the field, and nothing is stored.
  await hydrated(page);
  await page.click('[data-test="record-drill"] summary');
  await page.fill(`${form} input[name="input[held_on]"]`, '2999-01-01');
  await page.fill(`${form} textarea[name="input[scenario]"]`, '未来的演练');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector('[role="alert"]:has-text("不能晚于今天")');
  assert.deepEqual(errors.filter((e) => !e.includes('422')), []);
  await context.close();
});

test('the CSP opens a level-II incident; the regulator sees it; the agency resolves and closes it', async () => {
  const title = `数据库异常访问 ${Date.now().toString().slice(-6)}`;
  const csp = await open();
  await signIn(csp.page, 'duty@csp.example');
  await csp.page.goto(`${BASE}/incidents`);
  await hydrated(csp.page);
  await csp.page.click('[data-test="open-incident"] summary');
  const form = '[data-test="open-incident"] form';
  await csp.page.fill(`${form} input[name="input[title]"]`, title);
  await csp.page.selectOption(`${form} select[name="input[category]"]`, 'network_attack');
  await csp.page.selectOption(`${form} select[name="input[level]"]`, 'II');
  await csp.page.check(`${form} [data-test="incident-websites"] label:has-text("示范市政府门户网站") input`);
  await csp.page.fill(`${form} textarea[name="input[summary]"]`, '监测发现异常批量查询');
  await Promise.all([csp.page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/), csp.page.click(`${form} button[type="submit"]`)]);
  await csp.page.waitForSelector('[data-test="incident-title"]');
  const url = csp.page.url();
  assert.match(await csp.page.textContent('[data-test="to-regulator"]'), /min/);
  await csp.context.close();

  // The regulator sees it among its agencies' open incidents.
  const reg = await open();
  await signIn(reg.page, 'admin@east-regulator.example');
  await reg.page.goto(`${BASE}/incidents?level=II`);
  await reg.page.waitForSelector(`[data-test="incidents"] a:has-text("${title}")`);
  await reg.page.screenshot({ path: join(SHOTS, 'incidents-regulator.png'), fullPage: true });
  await reg.context.close();

  // The mail went out to the regulator (the platform's outbox shows it).
  const platform = await open();
  await signIn(platform.page, 'platform@portal.example');
  await platform.page.goto(`${BASE}/`);
  await platform.page.waitForSelector(`[data-test="outbox"]:has-text("${title}")`);
  await platform.context.close();

  // The agency writes the timeline, resolves with the root cause, and closes it.
  const { context, page, errors } = await open();
  await signIn(page, 'admin@agency.example');
  await page.goto(url);
  await hydrated(page);
  await page.fill('[data-test="entry-form"] textarea[name="body"]', '已封禁来源地址，排查账号权限');
  await page.selectOption('[data-test="entry-form"] select[name="kind"]', 'status');
  await page.click('[data-test="entry-form"] button[type="submit"]');
  await page.waitForSelector('[data-test="timeline"] li:has-text("已封禁来源地址")');
  await page.fill('[data-test="resolve-form"] textarea[name="root_cause"]', '弱口令账号被利用');
  await page.fill('[data-test="resolve-form"] textarea[name="lessons"]', '启用双因素认证并定期清理账号');
  await page.click('[data-test="resolve-form"] button[type="submit"]');
  await page.waitForSelector('[data-test="incident-status"] [data-status="resolved"]');
  await Promise.all([page.waitForURL(/\/close$/), page.click('[data-test="close-link"]')]);
  await hydrated(page);
  await Promise.all([page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/), page.click('[data-test="confirm-button"]')]);
  await page.waitForSelector('[data-test="incident-status"] [data-status="closed"]');
  assert.match(await page.textContent('[data-test="resolution"]'), /弱口令账号被利用/);
  await page.screenshot({ path: join(SHOTS, 'incident-closed.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the regulator opens an agency from its drill overview and reads its grid', async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'admin@east-regulator.example');
  await page.goto(`${BASE}/emergency?search=${encodeURIComponent('数据管理局')}`);
  await hydrated(page);
  const link = '[data-test="drill-overview"] a:has-text("示范市政务服务数据管理局")';
  await page.waitForSelector(link);
  await Promise.all([page.waitForURL(/\/emergency\/agencies\/[0-9a-f-]{36}$/), page.click(link)]);
  await page.waitForSelector('[data-test="drill-grid"]');
  assert.match(await page.textContent('[data-test="agency-name"]'), /示范市政务服务数据管理局/);
  assert.equal(await page.$$eval('[data-test="drill-grid"] tbody tr', (rows) => rows.length), 8);
  // Read only: no forms to record or approve anything.
  assert.equal(await page.$('[data-test="record-drill"]'), null);
  await page.screenshot({ path: join(SHOTS, 'emergency-regulator-agency.png'), fullPage: true });
  // Back to the overview.
  await Promise.all([page.waitForURL(/\/emergency$/), page.click('[data-test="back-to-overview"]')]);
  await page.waitForSelector('[data-test="drill-overview"]');
  assert.deepEqual(errors, []);
  await context.close();
});
