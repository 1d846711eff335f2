// End-to-end journeys in Debian's Chromium against a running portal with demo data.
// PORTAL_URL names the server (the test command starts one on a fresh demo database).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, PASSWORD, SHOTS, open, hydrated, signIn } from './lib.mjs';

test('sign in, see the dashboard in Chinese, switch to English and back, sign out', async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'admin@agency.example');
  assert.equal(new URL(page.url()).pathname, '/');
  await hydrated(page);
  assert.match(await page.textContent('h1'), /欢迎/);
  assert.match(await page.textContent('[data-test="org-name"]'), /示范市政务服务数据管理局/);
  assert.ok(await page.isVisible('[data-test="demo-banner"]'), 'demo banner shown');
  await page.screenshot({ path: join(SHOTS, 'dashboard-zh.png'), fullPage: true });

  await Promise.all([page.waitForNavigation(), page.click('[data-test="lang-en"]')]);
  await hydrated(page);
  assert.match(await page.textContent('h1'), /Welcome/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.screenshot({ path: join(SHOTS, 'dashboard-en.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('[data-test="lang-zh"]')]);
  assert.match(await page.textContent('h1'), /欢迎/);

  await Promise.all([page.waitForNavigation(), page.click('[data-test="sign-out"]')]);
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.goto(`${BASE}/`);
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out: pages send to sign-in');
  assert.deepEqual(errors, [], 'no console errors (CSP, hydration)');
  await context.close();
});

test('a wrong password gets the one refusal message', async () => {
  const { context, page } = await open();
  await signIn(page, 'admin@csp.example', 'not-the-password');
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.ok(!page.url().includes('Err'), `no error code in the address: ${page.url()}`);
  assert.match(await page.textContent('[data-test="signin-error"]'), /邮箱或密码不正确/);
  await context.close();
});

test('five wrong passwords lock the account and say until when; its administrator unlocks it', async () => {
  const { context, page } = await open();
  for (let i = 0; i < 4; i++) await signIn(page, 'staff@csp2.example', 'not-the-password');
  assert.match(await page.textContent('[data-test="signin-error"]'), /邮箱或密码不正确/);
  await signIn(page, 'staff@csp2.example', 'not-the-password');
  assert.match(await page.textContent('[data-test="signin-error"]'), /账户已锁定至 \d{4}-\d\d-\d\d \d\d:\d\d/);
  // The right password during the lock is told the same, not "wrong password".
  await signIn(page, 'staff@csp2.example');
  assert.match(await page.textContent('[data-test="signin-error"]'), /账户已锁定至/);
  assert.ok(!page.url().includes('Err'), page.url());
  await page.screenshot({ path: join(SHOTS, 'signin-locked.png'), fullPage: true });

  const admin = await open();
  await signIn(admin.page, 'admin@csp2.example');
  await admin.page.goto(`${BASE}/people`);
  await hydrated(admin.page);
  const row = '[data-test="people"] tr[data-email="staff@csp2.example"]';
  await admin.page.click(`${row} [data-test="unlock"]`);
  await admin.page.waitForSelector('[data-test="action-done"]');
  assert.equal(await admin.page.$(`${row} [data-test="unlock"]`), null, 'no longer locked');
  await admin.page.screenshot({ path: join(SHOTS, 'people-unlocked.png'), fullPage: true });
  await signIn(page, 'staff@csp2.example');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.deepEqual(admin.errors, []);
  await admin.context.close();
  await context.close();
});

test('a demo account flagged must-change is held on the password page until it changes it', async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'security@agency.example');
  assert.equal(new URL(page.url()).pathname, '/account/password');
  assert.ok(await page.isVisible('[data-test="must-change"]'));
  await page.goto(`${BASE}/audit`);
  assert.equal(new URL(page.url()).pathname, '/account/password', 'every page sends back to the password page');
  await page.screenshot({ path: join(SHOTS, 'must-change.png'), fullPage: true });

  // A weak password is refused with a clear message.
  await page.fill('input[name="current"]', PASSWORD);
  await page.fill('input[name="new"]', 'password1234');
  await page.fill('input[name="confirm"]', 'password1234');
  await Promise.all([page.waitForNavigation(), page.click('[data-test="change-password"]')]);
  assert.match(await page.textContent('[data-test="flash"]'), /新密码：.*太容易被猜到/);
  assert.equal(new URL(page.url()).search, '', 'no error code in the address');
  // The field it was refused for is marked, and only it.
  assert.deepEqual(await page.$$eval('[aria-invalid="true"]', (els) => els.map((e) => e.name)), ['new']);

  const strong = 'amber-lantern-rides-47-north';
  await page.fill('input[name="current"]', PASSWORD);
  await page.fill('input[name="new"]', strong);
  await page.fill('input[name="confirm"]', strong);
  await Promise.all([page.waitForNavigation(), page.click('[data-test="change-password"]')]);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.match(await page.textContent('[data-test="flash"]'), /密码已修改/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the password reveal button works only once the wasm has hydrated', async () => {
  const { context, page, errors } = await open();
  await page.goto(`${BASE}/login`);
  await hydrated(page);
  assert.equal(await page.getAttribute('[data-test="password"]', 'type'), 'password');
  await page.click('[data-test="reveal"]');
  assert.equal(await page.getAttribute('[data-test="password"]', 'type'), 'text');
  await page.screenshot({ path: join(SHOTS, 'signin.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('sign-in and a form work with JavaScript disabled', async () => {
  const { context, page } = await open({ javaScriptEnabled: false });
  await signIn(page, 'admin@developer.example');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.match(await page.textContent('h1'), /欢迎/);
  // A server-function form (add a person) without JavaScript: the outcome comes back as a flash.
  await page.goto(`${BASE}/people`);
  await page.fill('[data-test="add-person"] input[name="email"]', 'nojs.person@developer.example');
  await page.fill('[data-test="add-person"] input[name="display_name"]', '无脚本 测试');
  await Promise.all([page.waitForNavigation(), page.click('[data-test="add-person"] button[type="submit"]')]);
  assert.equal(new URL(page.url()).pathname, '/people');
  assert.ok(await page.isVisible('[data-test="one-time-password"]'), 'one-time password shown');
  assert.ok(await page.isVisible('tr[data-email="nojs.person@developer.example"]'));
  await context.close();
});

test('the platform administrator creates an organisation and gets a one-time password', async () => {
  const { context, page, errors } = await open({ locale: 'en-US' });
  await signIn(page, 'platform@portal.example');
  await page.goto(`${BASE}/organisations`);
  await hydrated(page);
  assert.match(await page.textContent('h1'), /Organisations/);
  const form = '[data-test="create-organisation"]';
  await page.fill(`${form} input[name="name"]`, '示范区大数据中心');
  await page.selectOption(`${form} select[name="kind"]`, 'agency');
  await page.fill(`${form} input[name="admin_email"]`, 'first.admin@district.example');
  await page.fill(`${form} input[name="admin_name"]`, '吴婷');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector('[data-test="one-time-password"]');
  const otp = (await page.textContent('[data-test="one-time-password"]')).trim();
  assert.match(otp, /^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
  await page.waitForSelector('text=示范区大数据中心');
  await page.screenshot({ path: join(SHOTS, 'organisations.png'), fullPage: true });

  await page.goto(`${BASE}/audit`);
  await page.waitForSelector('[data-test="audit-rows"]');
  await page.click('[data-test="verify-chain"]');
  await page.waitForSelector('[data-test="chain-ok"]');
  await page.screenshot({ path: join(SHOTS, 'audit.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();

  // The new administrator signs in with the one-time password and must change it.
  const second = await open();
  await signIn(second.page, 'first.admin@district.example', otp);
  assert.equal(new URL(second.page.url()).pathname, '/account/password');
  await second.context.close();
});

test('an organisation administrator adds, edits and deactivates a person, then filters and exports the audit trail', async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'admin@assessor.example');
  await page.goto(`${BASE}/people`);
  await hydrated(page);
  const form = '[data-test="add-person"]';
  await page.fill(`${form} input[name="email"]`, 'reviewer@assessor.example');
  await page.fill(`${form} input[name="display_name"]`, '钱多多');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector('[data-test="otp-box"]');
  const row = 'tr[data-email="reviewer@assessor.example"]';
  await page.waitForSelector(row);
  assert.equal(await page.inputValue(`${form} input[name="email"]`), '', 'the form is cleared after success');

  // Edit: make the new person a security officer as well.
  await page.click(`${row} summary`);
  await page.check(`${row} input[name="role_security_officer"]`);
  await page.click(`${row} details button[type="submit"]`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent.includes('安全负责人'), row);

  // Deactivate: a page asks first, saying what follows; cancelling changes nothing.
  await page.click(`${row} [data-test="deactivate"]`);
  await page.waitForSelector('[data-test="confirm"]');
  assert.match(await page.textContent('[data-test="confirm-subject"]'), /reviewer@assessor\.example/);
  assert.ok((await page.$$('[data-test="confirm-follows"] li')).length >= 2, 'says what follows');
  await page.screenshot({ path: join(SHOTS, 'confirm-deactivate.png'), fullPage: true });
  await page.click('[data-test="confirm-cancel"]');
  await page.waitForSelector(row);
  assert.equal(await page.$eval(row, (r) => r.classList.contains('inactive')), false, 'cancel changed nothing');
  await page.click(`${row} [data-test="deactivate"]`);
  await hydrated(page);
  await page.click('[data-test="confirm-button"]');
  // Back on the people page, which says what happened.
  await page.waitForSelector('[data-test="action-done"]');
  assert.equal(new URL(page.url()).pathname, '/people');
  assert.match(await page.textContent('[data-test="action-done"]'), /已停用/);
  await page.waitForFunction((sel) => document.querySelector(sel)?.classList.contains('inactive'), row);
  // Reactivating is one click, and says so.
  await page.click(`${row} [data-test="reactivate"]`);
  await page.waitForFunction((sel) => !document.querySelector(sel)?.classList.contains('inactive'), row);
  assert.match(await page.textContent('[data-test="action-done"]'), /重新启用/);

  // Resetting the password asks first too; the one-time password shows once, on that page.
  await page.click(`${row} [data-test="reset-password"]`);
  await page.waitForSelector('[data-test="confirm"]');
  await hydrated(page);
  await page.click('[data-test="confirm-button"]');
  await page.waitForSelector('[data-test="one-time-password"]');
  assert.match(await page.textContent('[data-test="otp-box"]'), /密码已重置/);
  await page.click('[data-test="back-to-people"]');
  await page.waitForSelector(row);

  // The audit trail, filtered to person changes, shows these and can be downloaded as CSV.
  await page.goto(`${BASE}/audit?action=roles_change`);
  await page.waitForSelector('[data-test="audit-rows"]');
  const shown = await page.$$eval('[data-test="audit-rows"] tbody tr', (rows) => rows.map((r) => r.dataset.action));
  assert.ok(shown.length >= 1 && shown.every((a) => a === 'roles_change'), JSON.stringify(shown));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="export-csv"]')]);
  const csv = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\n');
  assert.equal(lines.length - 1, shown.length, 'the CSV holds what the table shows');
  assert.ok(lines.slice(1).every((l) => l.includes('roles_change')));
  assert.deepEqual(errors, []);
  await context.close();
});

test("a page outside the viewer's modules shows only the refusal; a filter keeps only what was chosen", async () => {
  const { context, page } = await open();
  await signIn(page, 'staff@csp.example');
  const res = await page.goto(`${BASE}/reports/matrix`);
  assert.equal(res.status(), 403);
  await hydrated(page);
  assert.match(await page.textContent('main h1'), /无权访问/);
  assert.equal(await page.$('[data-test="matrix-filter"]'), null, 'no filters around the refusal');
  assert.ok(!(await page.content()).includes('页面不存在'), 'never "not found" over a refusal');
  await page.screenshot({ path: join(SHOTS, 'refused-page.png'), fullPage: true });
  // A filter that chose one thing reads only that in the address, with and without the wasm.
  await page.goto(`${BASE}/reports`);
  await hydrated(page);
  await page.selectOption('[data-test="report-filter"] select[name="side"]', 'submit');
  await Promise.all([page.waitForURL(/side=submit/), page.click('[data-test="report-filter"] button[type="submit"]')]);
  assert.equal(new URL(page.url()).search, '?side=submit');
  await context.close();
  const plain = await open({ javaScriptEnabled: false });
  await signIn(plain.page, 'staff@csp.example');
  await plain.page.goto(`${BASE}/reports`);
  await plain.page.selectOption('[data-test="report-filter"] select[name="side"]', 'submit');
  await Promise.all([plain.page.waitForNavigation(), plain.page.click('[data-test="report-filter"] button[type="submit"]')]);
  assert.equal(new URL(plain.page.url()).search, '?side=submit');
  await plain.context.close();
});

test("the platform's outbox lists its mails and narrows them by state", async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'platform@portal.example');
  await hydrated(page);
  const rows = await page.$$eval('[data-test="mails"] tbody tr', (r) => r.map((x) => x.dataset.state));
  assert.ok(rows.length > 0, 'mails are listed');
  await Promise.all([page.waitForURL(/outbox=sent/), page.click('[data-test="outbox-counts"] a[data-state="sent"]')]);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test="mails"] tbody tr')].every((r) => r.dataset.state === 'sent')
    || document.querySelector('[data-test="outbox"] .empty'));
  assert.deepEqual(errors, []);
  await context.close();
});
