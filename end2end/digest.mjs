// The daily digest's settings in Chromium: an agency's administrator opens its account page,
// sees what its digest would say now (its own agency's work, with links), moves the time to 07:30
// and leaves SLA out; a bad time is refused and nothing changes; the choice is there after a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, BASE, open, hydrated, signIn } from './lib.mjs';

test('a person chooses when its digest comes and what it tells of', async () => {
  const s = await open({ locale: 'en-GB' });
  const { page } = s;
  await signIn(page, 'admin@agency.example');
  await page.goto(`${BASE}/account/password#digest`);
  await hydrated(page);
  const section = page.locator('[data-test="digest-settings"]');
  await section.waitFor();
  assert.equal(await page.inputValue('[data-test="digest-time"]'), '08:00', 'eight in the morning unless chosen');
  // What it would say now: something of the agency's own, each line a link into the portal.
  await page.waitForSelector('[data-test="digest-preview"], [data-test="digest-preview-empty"]');
  const links = await page.$$eval('[data-test="digest-preview"] a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.length > 0, 'the demo agency has something awaiting it');
  assert.ok(links.every((h) => h.startsWith('/')), `links into the portal: ${links}`);
  await section.screenshot({ path: join(SHOTS, 'digest-settings.png') });

  // A time that is not one is refused by field; nothing is saved.
  await page.fill('[data-test="digest-time"]', '07:30');
  await page.$eval('[data-test="digest-time"]', (el) => { el.type = 'text'; el.value = '7.30pm'; });
  await page.click('[data-test="digest-save"]');
  await page.waitForSelector('[data-test="digest-settings"] .notice.error, [data-test="digest-settings"] [role="alert"]');
  await page.reload();
  await hydrated(page);
  assert.equal(await page.inputValue('[data-test="digest-time"]'), '08:00', 'the refused time changed nothing');

  // 07:30, without SLA.
  await page.fill('[data-test="digest-time"]', '07:30');
  await page.uncheck('[data-test="digest-form"] input[data-kind="sla"]');
  await page.click('[data-test="digest-save"]');
  await page.waitForSelector('[data-test="action-done"]');
  await page.reload();
  await hydrated(page);
  assert.equal(await page.inputValue('[data-test="digest-time"]'), '07:30');
  assert.equal(await page.isChecked('[data-test="digest-form"] input[data-kind="sla"]'), false);
  assert.equal(await page.isChecked('[data-test="digest-form"] input[data-kind="reports"]'), true);
  assert.equal(await page.locator('[data-test="digest-form"] input[data-kind="oversight"]').count(), 0, 'no board for an agency');
  // The refused time's answer (422) is the one error the console may show.
  assert.deepEqual(s.errors.filter((e) => !e.includes('status of 422')), []);
  await s.context.close();
});
