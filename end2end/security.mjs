// Account security in Chromium: a sign-in from a new browser is marked and mailed, and a person
// ends another of its sessions from the security page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, SHOTS, open, signIn, hydrated } from './lib.mjs';

const WHO = 'staff@water.example';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

test('a sign-in from a new browser is marked and mailed, and the person ends that session', async () => {
  const first = await open();
  await signIn(first.page, WHO);
  const other = await open({ userAgent: FIREFOX });
  await signIn(other.page, WHO);

  // The new browser's own page lists both sessions, itself first, and marks its sign-in as new.
  await other.page.goto(`${BASE}/account/security`);
  await other.page.waitForSelector('[data-test="sessions"] tbody tr');
  assert.equal(await other.page.locator('[data-test="sessions"] tbody tr').count(), 2);
  assert.equal(await other.page.getAttribute('[data-test="sessions"] tbody tr >> nth=0', 'data-current'), 'true');
  assert.match(await other.page.textContent('[data-test="sessions"] tbody tr >> nth=0'), /Firefox/);
  assert.equal(await other.page.getAttribute('[data-test="sign-ins"] tbody tr >> nth=0', 'data-new'), 'true');
  await other.page.screenshot({ path: join(SHOTS, 'account-security.png'), fullPage: true });

  // The first browser ends the Firefox session from its own security page.
  await first.page.goto(`${BASE}/account/security`);
  await hydrated(first.page);
  const firefoxRow = first.page.locator('[data-test="sessions"] tbody tr', { hasText: 'Firefox' });
  await firefoxRow.locator('[data-test="end-session"]').click();
  await first.page.waitForSelector('[data-test="action-done"]');
  await first.page.waitForFunction(() => document.querySelectorAll('[data-test="sessions"] tbody tr').length === 1);
  assert.deepEqual(first.errors, []);

  // The Firefox browser is signed out at its next page.
  await other.page.goto(`${BASE}/account/security`);
  assert.match(other.page.url(), /\/login/);
  await other.context.close();
  await first.context.close();

  // The alert went to the person through the outbox (the platform's outbox lists it).
  const platform = await open();
  await signIn(platform.page, 'platform@portal.example');
  await platform.page.goto(`${BASE}/`);
  await platform.page.waitForSelector(`[data-test="outbox"] tr:has-text("${WHO}"):has-text("新的登录地点")`);
  await platform.context.close();
});

/** RFC 6238 (SHA-1, 6 digits, 30 s) from a base32 secret, as an authenticator app computes it. */
async function totp(secret, at = Date.now()) {
  const { createHmac } = await import('node:crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}

test('a person sets up a second factor, then signs in with a code and with a recovery code', async () => {
  const who = 'viewer@water.example';
  const { context, page, errors } = await open();
  await signIn(page, who);
  await page.goto(`${BASE}/account/security`);
  await hydrated(page);
  await page.click('[data-test="begin-second-factor"]');
  await page.waitForSelector('[data-test="qr"] svg');
  const secret = (await page.textContent('[data-test="totp-secret"]')).trim();
  await page.screenshot({ path: join(SHOTS, 'second-factor-enrol.png'), fullPage: true });
  await page.fill('[data-test="confirm-second-factor"] input[name="code"]', await totp(secret));
  await page.click('[data-test="confirm-second-factor"] button[type="submit"]');
  await page.waitForSelector('[data-test="recovery-codes"] li');
  const codes = await page.$$eval('[data-test="recovery-codes"] li', (li) => li.map((l) => l.textContent.trim()));
  assert.equal(codes.length, 10);
  await page.waitForSelector('[data-test="second-factor-on"]');
  await page.screenshot({ path: join(SHOTS, 'second-factor-on.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();

  // Signing in now asks for the code after the password (the next step's: the last one is used).
  const second = await open();
  await second.page.goto(`${BASE}/login`);
  await second.page.fill('input[name="email"]', who);
  await second.page.fill('input[name="password"]', 'Demo-Portal-2026');
  await Promise.all([second.page.waitForURL(/\/login\/code/), second.page.click('[data-test="sign-in"]')]);
  await second.page.screenshot({ path: join(SHOTS, 'sign-in-code.png'), fullPage: true });
  await second.page.fill('[data-test="code"]', await totp(secret, Date.now() + 30000));
  await Promise.all([second.page.waitForURL(`${BASE}/`), second.page.click('[data-test="verify-code"]')]);
  await second.context.close();

  // A recovery code lets the person in once.
  const third = await open();
  await third.page.goto(`${BASE}/login`);
  await third.page.fill('input[name="email"]', who);
  await third.page.fill('input[name="password"]', 'Demo-Portal-2026');
  await Promise.all([third.page.waitForURL(/\/login\/code/), third.page.click('[data-test="sign-in"]')]);
  await third.page.fill('[data-test="code"]', codes[0]);
  await Promise.all([third.page.waitForURL(`${BASE}/`), third.page.click('[data-test="verify-code"]')]);
  await third.page.goto(`${BASE}/account/security`);
  await third.page.waitForSelector('[data-test="recovery-left"]');
  assert.equal((await third.page.textContent('[data-test="recovery-left"]')).trim(), '9');
  await third.context.close();
});
