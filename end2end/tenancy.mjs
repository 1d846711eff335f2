// End-to-end journeys of issue 3: each kind's dashboard, an engagement from invitation to access,
// "not found" across tenants, a regulator's exact jurisdiction, and the CSV that matches the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE, SHOTS, open, hydrated, signIn } from './lib.mjs';

const dashboards = [
  ['admin@agency.example', '[data-test="websites-panel"] [data-test="websites"] tbody tr', 3],
  ['duty@health.example', '[data-test="websites-panel"] [data-test="websites"] tbody tr', 2],
  ['admin@csp.example', '[data-test="engagements-panel"] [data-test="engagements"] tbody tr', 3],
  ['staff@integrator.example', '[data-test="engagements-panel"] [data-test="engagements"] tbody tr', 1],
  ['viewer@assessor.example', '[data-test="engagements-panel"] [data-test="engagements"] tbody tr', 1],
  ['admin@regulator.example', '[data-test="regulator-panel"] [data-test="websites"] tbody tr', 14],
  ['platform@portal.example', '[data-test="jurisdiction-panel"] .tree-node', 4],
];

test('each kind of organisation lands on its own dashboard with demo data', async () => {
  for (const [email, rows, count] of dashboards) {
    const { context, page, errors } = await open();
    await signIn(page, email);
    assert.equal(new URL(page.url()).pathname, '/');
    await hydrated(page);
    const n = await page.$$eval(rows, (r) => r.length);
    assert.equal(n, count, `${email}: ${rows}`);
    await page.screenshot({ path: join(SHOTS, `dashboard-${email.split('@')[1]}.png`), fullPage: true });
    assert.deepEqual(errors, [], email);
    await context.close();
  }
});

test('an agency invites a CSP, the CSP accepts, and the website opens for it', async () => {
  const agency = await open();
  await signIn(agency.page, 'admin@agency.example');
  await agency.page.goto(`${BASE}/engagements`);
  await hydrated(agency.page);
  await agency.page.click('[data-test="invite-provider"] summary');
  const form = '[data-test="invite-provider"] form';
  const provider = await agency.page.$eval(`${form} select[name="provider_id"]`, (s) =>
    [...s.options].find((o) => o.textContent.includes('华东政务云服务有限公司')).value);
  await agency.page.selectOption(`${form} select[name="provider_id"]`, provider);
  // No role to choose: it follows from the provider's kind.
  assert.equal(await agency.page.$(`${form} select[name="role"]`), null);
  await agency.page.fill(`${form} input[name="starts_on"]`, '2026-01-01');
  await agency.page.fill(`${form} input[name="ends_on"]`, '2028-12-31');
  const site = await agency.page.$eval(`${form} fieldset`, (f) =>
    [...f.querySelectorAll('label')].find((l) => l.textContent.includes('data.demo.gov.cn')).querySelector('input').value);
  await agency.page.check(`${form} input[value="${site}"]`);
  await agency.page.click(`${form} button[type="submit"]`);
  const invited = '[data-test="engagements"] tr[data-provider="华东政务云服务有限公司"]';
  await agency.page.waitForSelector(`${invited} [data-status="invited"]`);
  assert.deepEqual(agency.errors, []);

  const csp = await open();
  await signIn(csp.page, 'admin@csp2.example');
  await hydrated(csp.page);
  // Before accepting, the website is not the CSP's to open.
  const before = await csp.page.goto(`${BASE}/websites/${site}`);
  assert.equal(before.status(), 404);
  await csp.page.goto(`${BASE}/`);
  await hydrated(csp.page);
  const row = '[data-test="engagements-panel"] tr[data-agency="示范市政务服务数据管理局"]';
  await csp.page.click(`${row} [data-test="accept"]`);
  await csp.page.waitForSelector(`${row} .badge.ok`);
  const after = await csp.page.goto(`${BASE}/websites/${site}`);
  assert.equal(after.status(), 200);
  assert.match(await csp.page.textContent('[data-test="website-facts"]'), /data\.demo\.gov\.cn/);
  await csp.page.screenshot({ path: join(SHOTS, 'csp-website.png'), fullPage: true });
  // The one 404 the browser logs is the page this journey opened on purpose before accepting.
  assert.deepEqual(csp.errors.filter((e) => !e.includes('status of 404')), []);
  assert.equal(csp.errors.length, 1);

  // The CSP ends it: a page asks first, says what follows and asks why; the reason is required.
  await csp.page.goto(`${BASE}/engagements`);
  await hydrated(csp.page);
  const mine = '[data-test="engagements"] tr[data-agency="示范市政务服务数据管理局"]';
  await csp.page.click(`${mine} [data-test="end"]`);
  await csp.page.waitForSelector('[data-test="confirm"]');
  await hydrated(csp.page);
  assert.match(await csp.page.textContent('[data-test="confirm-follows"]'), /不能再访问/);
  await csp.page.click('[data-test="confirm-button"]');
  assert.equal(await csp.page.$eval('[data-test="reason"]', (t) => t.validity.valueMissing), true, 'a reason is required');
  await csp.page.fill('[data-test="reason"]', '机房迁移，改由其他服务商承接');
  await csp.page.screenshot({ path: join(SHOTS, 'confirm-end-engagement.png'), fullPage: true });
  await csp.page.click('[data-test="confirm-button"]');
  await csp.page.waitForSelector('[data-test="action-done"]');
  assert.match(await csp.page.textContent('[data-test="action-done"]'), /合作已结束/);
  assert.match(await csp.page.textContent('[data-test="closing-reason"]'), /机房迁移/);
  assert.equal((await csp.page.goto(`${BASE}/websites/${site}`)).status(), 404, 'no access once ended');
  // The agency reads who ended it and why.
  await agency.page.goto(`${BASE}/engagements`);
  const ended = '[data-test="engagements"] tr[data-provider="华东政务云服务有限公司"] a[href^="/engagements/"]';
  await agency.page.click(ended);
  await agency.page.waitForSelector('[data-test="closing-reason"]');
  assert.match(await agency.page.textContent('[data-test="closed-by"]'), /华东政务云服务有限公司/);
  assert.match(await agency.page.textContent('[data-test="closing-reason"]'), /机房迁移/);
  await agency.context.close();
  await csp.context.close();
});

test('without JavaScript, ending an engagement still asks first and says what happened', async () => {
  const { context, page } = await open({ javaScriptEnabled: false });
  await signIn(page, 'admin@csp3.example');
  await page.goto(`${BASE}/engagements`);
  const row = '[data-test="engagements"] tr[data-engagement]';
  await page.click(`${row} [data-test="end"]`);
  assert.match(new URL(page.url()).pathname, /^\/engagements\/[0-9a-f-]+\/end$/);
  await page.fill('[data-test="reason"]', '服务合同到期，不再续签');
  await Promise.all([page.waitForNavigation(), page.click('[data-test="confirm-button"]')]);
  assert.match(new URL(page.url()).pathname, /^\/engagements\/[0-9a-f-]+$/, 'back on the engagement');
  assert.match(await page.textContent('[data-test="flash"]'), /合作已结束/);
  assert.match(await page.textContent('[data-test="closing-reason"]'), /不再续签/);
  // The confirmation page of a closed engagement says so instead of asking again.
  await page.goto(page.url() + '/end');
  assert.match(await page.textContent('[data-test="error"]'), /已结束/);
  await context.close();
});

test("a provider opening another agency's website by its address gets not found", async () => {
  const reg = await open();
  await signIn(reg.page, 'admin@regulator.example');
  await hydrated(reg.page);
  const id = await reg.page.$$eval('[data-test="regulator-panel"] tbody tr', (rows) =>
    rows.find((r) => r.textContent.includes('slj.xizhou.gov.cn')).dataset.website);
  await reg.context.close();

  const { context, page } = await open();
  await signIn(page, 'admin@csp.example');
  const res = await page.goto(`${BASE}/websites/${id}`);
  assert.equal(res.status(), 404);
  assert.ok(!(await page.content()).includes('slj.xizhou.gov.cn'), 'nothing of the website is shown');
  await page.screenshot({ path: join(SHOTS, 'provider-not-found.png'), fullPage: true });
  await context.close();
});

test('a regulator sees exactly its jurisdiction, and the CSV holds what the table shows', async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'admin@east-regulator.example');
  await hydrated(page);
  const agencies = await page.$$eval('[data-test="regulator-panel"] tbody tr', (rows) =>
    [...new Set(rows.map((r) => r.cells[0].textContent.trim()))].sort());
  assert.deepEqual(agencies, ['东州市卫生健康委员会', '东州市教育局', '示范市政务服务数据管理局'].sort());

  // Filter to one flag, sorted by level descending, and download.
  await page.selectOption('[data-test="website-filter"] select[name="flag"]', 'no_security_officer');
  await Promise.all([page.waitForURL(/flag=no_security_officer/), page.click('[data-test="website-filter"] button[type="submit"]')]);
  await page.waitForSelector('[data-test="regulator-panel"] [data-test="websites"]');
  const shown = await page.$$eval('[data-test="regulator-panel"] tbody tr td.domain', (c) => c.map((x) => x.textContent.trim()));
  assert.ok(shown.length >= 1, 'some websites lack a security officer');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="csv-link"]')]);
  const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
  const lines = csv.trim().split('\n').slice(1);
  assert.deepEqual(lines.map((l) => l.split(',')[2]), shown, 'same rows, same order');
  await page.screenshot({ path: join(SHOTS, 'regulator-filtered.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an administrator invites a person by email; the link sets a password and the person signs in', async () => {
  const dataDir = process.env.PORTAL_DATA_DIR;
  assert.ok(dataDir, 'PORTAL_DATA_DIR names the server data directory, where mail is written without SMTP');
  const admin = await open();
  await signIn(admin.page, 'admin@developer.example');
  await admin.page.goto(`${BASE}/people`);
  await hydrated(admin.page);
  await admin.page.click('[data-test="invite-person"] summary');
  const form = '[data-test="invite-person"] form';
  const email = `invited.${Date.now()}@developer.example`;
  await admin.page.fill(`${form} input[name="email"]`, email);
  await admin.page.fill(`${form} input[name="display_name"]`, '韩雪');
  await admin.page.click(`${form} button[type="submit"]`);
  await admin.page.waitForSelector('[data-test="action-done"]');
  assert.equal(await admin.page.inputValue(`${form} input[name="email"]`), '', 'the form is cleared');
  assert.equal(await admin.page.$eval('[data-test="invite-person"]', (d) => d.open), false, 'and closed');
  await admin.page.waitForSelector(`[data-test="invitations"] td:text("${email}")`);
  assert.deepEqual(admin.errors, []);
  await admin.context.close();

  // The background sender writes the mail as an .eml file within a few seconds.
  const { readdir } = await import('node:fs/promises');
  let link;
  for (let i = 0; i < 100 && !link; i++) {
    for (const f of await readdir(join(dataDir, 'mail')).catch(() => [])) {
      const text = await readFile(join(dataDir, 'mail', f), 'utf8');
      if (text.includes(email)) {
        // A Chinese body is base64 (lettre picks the transfer encoding); decode before looking.
        const [head, ...rest] = text.split(/\r?\n\r?\n/);
        const body = /Content-Transfer-Encoding: base64/i.test(head)
          ? Buffer.from(rest.join('').replace(/\s/g, ''), 'base64').toString('utf8')
          : rest.join('\n').replace(/=\r?\n/g, '');
        link = body.match(/https?:\/\/\S+\/invite\/[0-9a-f]{64}/)?.[0];
      }
    }
    if (!link) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(link, 'the invitation mail holds the link');

  const { context, page, errors } = await open();
  await page.goto(link);
  await hydrated(page);
  assert.match(await page.textContent('[data-test="invitation-org"]'), /示范网站开发有限公司/);
  await page.screenshot({ path: join(SHOTS, 'invitation.png'), fullPage: true });
  await page.fill('input[name="password"]', 'Amber-Falcon-Orchard-73');
  await page.fill('input[name="confirm"]', 'Amber-Falcon-Orchard-73');
  await Promise.all([page.waitForURL(/\/login\?info=InvitationAccepted/), page.click('[data-test="accept-invitation"] button[type="submit"]')]);
  assert.ok(await page.isVisible('[data-test="signin-info"]'));
  await signIn(page, email, 'Amber-Falcon-Orchard-73');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.deepEqual(errors, []);
  await context.close();
});
