// End-to-end journeys of issue 17 (standing duty): a special period's gap flagged on the agency's
// dashboard until an override fills it; a duty officer taking a shift a colleague offered; the
// person on duty writing a handover and the next acknowledging it; the regulator seeing who is on
// duty now across its agencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, SHOTS, open, hydrated, signIn } from './lib.mjs';

async function done(page) {
  await page.waitForSelector('[data-test="action-done"]');
}

/** `YYYY-MM-DD` of a date (its UTC calendar day; the portal's zone is eight hours ahead). */
function day(d) {
  return d.toISOString().slice(0, 10);
}

/** The first weekday at least `ahead` days from today. */
function weekdayAhead(ahead) {
  const d = new Date(Date.now() + ahead * 86400000);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

/** Sets up a desk of the agency as its administrator: a roster and one rotation; returns its page URL. */
async function desk(page, { name, cover, handoff, hours, members }) {
  await page.goto(`${BASE}/rosters`);
  await hydrated(page);
  await page.click('[data-test="add-roster"] summary');
  const form = '[data-test="add-roster"] form';
  await page.fill(`${form} input[name="name"]`, name);
  await page.selectOption(`${form} select[name="cover"]`, cover);
  await Promise.all([page.waitForURL(/\/rosters\/[0-9a-f-]{36}$/), page.click(`${form} button[type="submit"]`)]);
  await page.waitForSelector('[data-test="roster-name"]');
  await page.click('[data-test="add-rotation"] summary');
  const rot = '[data-test="add-rotation"] form';
  await page.fill(`${rot} input[name="input[name]"]`, '轮值');
  await page.fill(`${rot} input[name="input[handoff]"]`, handoff);
  await page.fill(`${rot} input[name="input[hours]"]`, hours);
  for (const [i, who] of members.entries()) {
    const select = `${rot} select[name="input[members][${i}][person_id]"]`;
    const value = await page.$eval(select, (s, label) => [...s.options].find((o) => o.textContent.trim() === label)?.value, who);
    assert.ok(value, `${who} can stand the agency's duty`);
    await page.selectOption(select, value);
  }
  await page.click(`${rot} button[type="submit"]`);
  await done(page);
  await page.waitForSelector('[data-test="rotations"] li');
  return page.url();
}

test('a special period without cover is flagged on the dashboard until an override fills it', async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'admin@agency.example');
  const stamp = Date.now();
  const url = await desk(page, {
    name: `夜间值班 ${stamp}`,
    cover: 'none',
    handoff: '18:00',
    hours: 'sun,mon,tue,wed,thu,fri 18:00-08:30; sat,sun 00:00-00:00',
    members: ['张强', '李伟'],
  });
  // A one-day special period, round the clock, within the fortnight: its office hours are a gap.
  const d = weekdayAhead(4);
  const next = new Date(d.getTime() + 86400000);
  const special = `重要活动保障 ${stamp}`;
  await page.click('[data-test="add-special"] summary');
  const sp = '[data-test="add-special"] form';
  await page.fill(`${sp} input[name="name"]`, special);
  await page.fill(`${sp} input[name="starts_at"]`, `${day(d)}T00:00`);
  await page.fill(`${sp} input[name="ends_at"]`, `${day(next)}T00:00`);
  await page.click(`${sp} button[type="submit"]`);
  await page.waitForSelector('[data-test="special-gap"]');

  // The dashboard flags it, with a link to the week of its gap.
  await page.goto(`${BASE}/`);
  const flagged = `[data-test="duty-panel"] [data-test="uncovered-specials"] li:has-text("${special}")`;
  await page.waitForSelector(flagged);
  await page.screenshot({ path: join(SHOTS, 'dashboard-duty-flag.png'), fullPage: true });
  await Promise.all([page.waitForURL(/\/rosters\/[0-9a-f-]{36}\?week=/), page.click(`${flagged} a`)]);
  await hydrated(page);
  await page.waitForSelector('[data-test="gaps"] li');
  const gaps = await page.$$eval('[data-test="gaps"] li', (l) => l.map((x) => x.textContent));
  assert.ok(gaps.some((g) => g.includes(`${day(d)} 08:30`) && g.includes(`${day(d)} 18:00`)), gaps.join(' | '));

  // An override puts the administrator on those hours: the period is covered.
  await page.click('[data-test="add-override"] summary');
  const ov = '[data-test="add-override"] form';
  const admin = await page.$eval(`${ov} select[name="person_id"]`, (s) => [...s.options].find((o) => o.textContent.trim() === '李伟')?.value);
  await page.selectOption(`${ov} select[name="person_id"]`, admin);
  await page.fill(`${ov} input[name="starts_at"]`, `${day(d)}T08:30`);
  await page.fill(`${ov} input[name="ends_at"]`, `${day(d)}T18:00`);
  await page.fill(`${ov} input[name="reason"]`, '活动当天白班');
  await page.click(`${ov} button[type="submit"]`);
  await done(page);
  await page.waitForFunction(() =>
    ![...document.querySelectorAll('[data-test="gaps"] li')].some((l) => l.textContent.includes('08:30')));

  // The dashboard no longer flags it.
  await page.goto(`${BASE}/`);
  await page.waitForSelector('[data-test="duty-panel"]');
  assert.equal(await page.locator(flagged).count(), 0, 'the covered period is no longer flagged');
  await page.goto(url);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a duty officer takes a shift a colleague offered', async () => {
  // The staff member offers a shift of theirs (the demo has offered one already; either will do).
  const staff = await open();
  await signIn(staff.page, 'staff@agency.example');
  await staff.page.goto(`${BASE}/duty`);
  await hydrated(staff.page);
  await staff.page.waitForSelector('[data-test="my-shifts"]');
  const offerButton = '[data-test="my-shifts"] tbody tr:not(.current) form button';
  if (await staff.page.locator(offerButton).count() > 0) {
    await staff.page.locator(offerButton).first().click();
    await done(staff.page);
    await staff.page.waitForSelector('[data-test="my-offers"] li');
  }
  await staff.page.screenshot({ path: join(SHOTS, 'duty-staff.png'), fullPage: true });
  await staff.context.close();

  const { context, page, errors } = await open();
  await signIn(page, 'duty@agency.example');
  // The dashboard says an offer is waiting.
  await page.waitForSelector('[data-test="duty-panel"]');
  await page.goto(`${BASE}/duty`);
  await hydrated(page);
  await page.waitForSelector('[data-test="open-offers"] li');
  const before = await page.locator('[data-test="open-offers"] li').count();
  const first = page.locator('[data-test="open-offers"] li').first();
  const when = (await first.locator('strong').textContent()).trim();
  await first.locator('button').click();
  await done(page);
  await page.waitForFunction((n) => document.querySelectorAll('[data-test="open-offers"] li').length < n, before);
  // The taken shift is now the duty officer's.
  const start = when.split(' – ')[0];
  await page.waitForSelector(`[data-test="my-shifts"] td:has-text("${start}")`);
  await page.screenshot({ path: join(SHOTS, 'duty-taken.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the person on duty writes a handover and the next acknowledges it', async () => {
  const admin = await open();
  await signIn(admin.page, 'admin@agency.example');
  const name = `交接班演练 ${Date.now()}`;
  const url = await desk(admin.page, {
    name,
    cover: 'always',
    handoff: '09:00',
    hours: '',
    members: ['张强', '李伟'],
  });
  // Who is on now: the desk's row on the list.
  await admin.page.goto(`${BASE}/rosters`);
  const row = admin.page.locator(`[data-test="desks"] tr:has-text("${name}")`);
  const onNow = (await row.locator('[data-test="on-duty"]').textContent()).trim();
  assert.ok(['张强', '李伟'].includes(onNow), onNow);
  await admin.context.close();
  const email = { 张强: 'duty@agency.example', 李伟: 'admin@agency.example' };
  const nextName = onNow === '张强' ? '李伟' : '张强';

  // The person on duty writes the handover of the shift under way.
  const writer = await open();
  await signIn(writer.page, email[onNow]);
  await writer.page.goto(`${BASE}/duty`);
  await hydrated(writer.page);
  const form = writer.page.locator(`[data-test="to-hand-over"] form:has-text("${name}")`);
  await form.locator('textarea[name="body"]').fill('09:40 门户网站 CPU 告警，扩容后恢复；遗留：周一复盘。');
  await form.locator('button[type="submit"]').click();
  await done(writer.page);
  await writer.page.waitForFunction((n) =>
    ![...document.querySelectorAll('[data-test="to-hand-over"] form')].some((f) => f.textContent.includes(n)), name);
  await writer.context.close();

  // The next person finds it waiting and acknowledges it.
  const next = await open();
  await signIn(next.page, email[nextName]);
  await next.page.goto(`${BASE}/duty`);
  await hydrated(next.page);
  const entry = next.page.locator(`[data-test="to-acknowledge"] article:has-text("${name}")`);
  await entry.waitFor();
  assert.ok((await entry.textContent()).includes('CPU 告警'));
  await next.page.screenshot({ path: join(SHOTS, 'duty-acknowledge.png'), fullPage: true });
  await entry.locator('button').click();
  await done(next.page);
  await next.page.goto(url);
  await next.page.waitForSelector('[data-test="handovers"] [data-test="acknowledged"]');
  await next.page.screenshot({ path: join(SHOTS, 'roster-handovers.png'), fullPage: true });
  assert.deepEqual(next.errors, []);
  await next.context.close();
});

test('the regulator sees who is on duty now across its agencies', async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'admin@regulator.example');
  await page.waitForSelector('[data-test="duty-overview-panel"]');
  await page.goto(`${BASE}/rosters`);
  await hydrated(page);
  await page.waitForSelector('[data-test="desks"] tbody tr');
  const onDuty = await page.$$eval('[data-test="desks"] [data-test="on-duty"]', (c) => c.map((x) => x.textContent.trim()));
  assert.ok(onDuty.some((n) => n && !n.startsWith('—')), onDuty.join(' | '));
  await page.screenshot({ path: join(SHOTS, 'regulator-duty.png'), fullPage: true });
  // Filtered by an agency's name; the CSV has the same desks.
  await page.fill('[data-test="overview-filter"] input[name="q"]', '省人民政府');
  await Promise.all([page.waitForURL(/q=/), page.click('[data-test="overview-filter"] button[type="submit"]')]);
  await page.waitForFunction(() => document.querySelectorAll('[data-test="desks"] tbody tr').length === 1);
  const csv = await page.evaluate(async (href) => (await fetch(href)).text(), await page.getAttribute('[data-test="csv-link"]', 'href'));
  assert.ok(csv.includes('省政府网站 7×24 值班'), csv.slice(0, 300));
  assert.deepEqual(errors, []);
  await context.close();
});
