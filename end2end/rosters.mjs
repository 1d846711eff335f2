// End-to-end journeys of issue 17 (duty rosters): an agency sets up a roster with a weeknight
// rotation and a National Day special period, sees the period's gap, fills it with an override and
// sees the gap go; the agency's CSP desk is not another agency's to open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, SHOTS, open, hydrated, signIn } from './lib.mjs';

/** Waits for the page's "done" notice after an action (the form closes and clears). */
async function done(page) {
  await page.waitForSelector('[data-test="action-done"]');
}

test('an agency finds its National Day gap and an override fills it', async () => {
  const { context, page, errors } = await open();
  await signIn(page, 'admin@agency.example');
  await page.goto(`${BASE}/rosters`);
  await hydrated(page);

  // A roster of its own, outside working hours.
  await page.click('[data-test="add-roster"] summary');
  const rosterForm = '[data-test="add-roster"] form';
  // A name of its own on every run (the demo has a desk of that name already).
  const name = `国庆应急值班 ${Date.now()}`;
  await page.fill(`${rosterForm} input[name="name"]`, name);
  await page.fill(`${rosterForm} input[name="phone"]`, '0571-8765 4321');
  await Promise.all([page.waitForURL(/\/rosters\/[0-9a-f-]{36}$/), page.click(`${rosterForm} button[type="submit"]`)]);
  await page.waitForSelector('[data-test="roster-name"]');
  assert.equal((await page.textContent('[data-test="roster-name"]')).trim(), name);
  const rosterUrl = page.url();

  // A weeknight rotation of two people (the first two the form offers).
  await page.click('[data-test="add-rotation"] summary');
  const rot = '[data-test="add-rotation"] form';
  await page.fill(`${rot} input[name="input[name]"]`, '工作日夜间');
  await page.fill(`${rot} input[name="input[handoff]"]`, '18:00');
  // Weekday nights (Sunday's too) and whole weekends: exactly the roster's required cover.
  await page.fill(`${rot} input[name="input[hours]"]`, 'sun,mon,tue,wed,thu,fri 18:00-08:30; sat,sun 00:00-00:00');
  const people = await page.$$eval(`${rot} select[name="input[members][0][person_id]"] option`, (o) =>
    o.map((x) => x.value).filter((v) => v));
  assert.ok(people.length >= 2, 'the agency has people to put on duty');
  await page.selectOption(`${rot} select[name="input[members][0][person_id]"]`, people[0]);
  await page.selectOption(`${rot} select[name="input[members][1][person_id]"]`, people[1]);
  await page.click(`${rot} button[type="submit"]`);
  await done(page);
  await page.waitForSelector('[data-test="rotations"] li');

  // National Day 2027, round the clock: the weekdays' office hours are not covered.
  await page.click('[data-test="add-special"] summary');
  const sp = '[data-test="add-special"] form';
  await page.fill(`${sp} input[name="name"]`, '国庆节');
  await page.fill(`${sp} input[name="starts_at"]`, '2027-10-01T00:00');
  await page.fill(`${sp} input[name="ends_at"]`, '2027-10-08T00:00');
  await page.fill(`${sp} input[name="report_every_hours"]`, '4');
  await page.click(`${sp} button[type="submit"]`);
  await page.waitForSelector('[data-test="special-gap"]');

  // Its week shows the gaps, the first on Friday 1 October from 08:30 to 18:00.
  await Promise.all([page.waitForURL(/week=2027-09-27/), page.click('[data-test="special-gap"]')]);
  await page.waitForSelector('[data-test="gaps"] li');
  const gapsBefore = await page.$$eval('[data-test="gaps"] li', (l) => l.map((x) => x.textContent));
  assert.ok(gapsBefore.some((g) => g.includes('2027-10-01 08:30') && g.includes('2027-10-01 18:00')), gapsBefore.join(' | '));
  await page.screenshot({ path: join(SHOTS, 'roster-gap.png'), fullPage: true });

  // An override puts the second person on that Friday's office hours: that gap is gone.
  await page.click('[data-test="add-override"] summary');
  const ov = '[data-test="add-override"] form';
  await page.selectOption(`${ov} select[name="person_id"]`, people[1]);
  await page.fill(`${ov} input[name="starts_at"]`, '2027-10-01T08:30');
  await page.fill(`${ov} input[name="ends_at"]`, '2027-10-01T18:00');
  await page.fill(`${ov} input[name="reason"]`, '国庆节日间值守');
  await page.click(`${ov} button[type="submit"]`);
  await done(page);
  await page.waitForFunction(() =>
    ![...document.querySelectorAll('[data-test="gaps"] li')].some((l) => l.textContent.includes('2027-10-01 08:30')));
  const gapsAfter = await page.$$eval('[data-test="gaps"] li', (l) => l.map((x) => x.textContent));
  assert.equal(gapsAfter.length, gapsBefore.length - 1, gapsAfter.join(' | '));
  await page.screenshot({ path: join(SHOTS, 'roster-filled.png'), fullPage: true });

  // An override that overlaps the same person's is refused, naming why, and nothing changes.
  await page.click('[data-test="add-override"] summary');
  await page.selectOption(`${ov} select[name="person_id"]`, people[1]);
  await page.fill(`${ov} input[name="starts_at"]`, '2027-10-01T17:00');
  await page.fill(`${ov} input[name="ends_at"]`, '2027-10-01T20:00');
  await page.click(`${ov} button[type="submit"]`);
  await page.waitForSelector('.notice.error, [role="alert"]');
  await page.waitForSelector('[data-test="overrides"] li');
  const overrides = await page.$$eval('[data-test="overrides"] li', (l) => l.length);
  assert.equal(overrides, 1);
  // The refused override's answer (422) is the one error the console may show.
  assert.deepEqual(errors.filter((e) => !e.includes('status of 422')), []);

  // The desk is on the list of desks, with who is on duty now.
  await page.goto(`${BASE}/rosters`);
  await page.waitForSelector('[data-test="desks"] tbody tr');
  await page.screenshot({ path: join(SHOTS, 'rosters.png'), fullPage: true });
  await context.close();

  // Another agency cannot open it: "not found".
  const other = await open();
  await signIn(other.page, 'admin@health.example');
  const res = await other.page.goto(rosterUrl);
  assert.equal(res.status(), 404);
  await other.context.close();
});
