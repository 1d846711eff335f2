// Every page at a phone's width (400 px) and a desktop's (1280 px), in Chinese and in English, as
// each role sees it: a screenshot of each, and no page wider than the window (a table may scroll
// inside its own frame; the page itself never sideways).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, SHOTS, open, hydrated, signIn } from './lib.mjs';

const WIDTHS = [400, 1280];

/** The first link on `path` matching `selector`, as a path ('' when the page has none). */
async function firstLink(page, path, selector) {
  await page.goto(`${BASE}${path}`);
  const href = await page.$eval(selector, (a) => a.getAttribute('href')).catch(() => '');
  return href ?? '';
}

/** Opens `path` at each width, screenshots it, and says where the page overflows sideways. */
async function check(page, who, lang, path) {
  const problems = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const res = await page.goto(`${BASE}${path}`);
    assert.ok(res.status() < 400, `${who} ${path}: ${res.status()}`);
    await hydrated(page);
    const name = `layout-${who}-${lang}-${width}-${path.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '') || 'home'}.png`;
    await page.screenshot({ path: join(SHOTS, name), fullPage: true });
    const over = await page.evaluate(() => {
      const doc = document.documentElement;
      if (doc.scrollWidth <= doc.clientWidth + 1) return null;
      // Name the widest element that sticks out, to say what to fix.
      const out = [...document.body.querySelectorAll('*')]
        .filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1 && !e.closest('.table-wrap'))
        .map((e) => `${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).split(' ').join('.') : ''}`);
      return `${doc.scrollWidth} > ${doc.clientWidth}: ${out.slice(0, 5).join(', ')}`;
    });
    if (over) problems.push(`${who} ${lang} ${width}px ${path}: ${over}`);
    // At a desktop's width every table fits its frame too (on a phone a wide one may scroll).
    if (width >= 1280) {
      const wide = await page.$$eval('.table-wrap', (frames) => frames
        .filter((f) => f.scrollWidth > f.clientWidth + 1)
        .map((f) => `${f.querySelector('table')?.dataset.test ?? 'table'} ${f.scrollWidth} > ${f.clientWidth}`));
      for (const w of wide) problems.push(`${who} ${lang} ${width}px ${path}: table ${w}`);
    }
  }
  return problems;
}

/** The SLA list, its first engagement with an agreement, and that engagement's two reports. */
async function slaPages(page, add) {
  add('/sla');
  await page.goto(`${BASE}/sla`);
  const href = await page.$eval('[data-test="sla-list"] tr[data-engagement]:has(td[data-metric]) a',
    (a) => a.getAttribute('href')).catch(() => '');
  if (href) {
    add(href);
    add(`${href}/report`);
    add(`${href}/year`);
  }
}

/** The exits, the first exit in reach and its printable record. */
async function exitPages(page, add) {
  add('/exits');
  const href = await firstLink(page, '/exits', '[data-test="exit-list"] a[href^="/exits/"]');
  if (href) {
    add(href);
    add(`${href}/record`);
  }
}

/** Every page a role opens, with one record of each kind it reaches. */
async function pagesOf(page, who) {
  const pages = ['/', '/account/password', '/account/tokens'];
  const add = (p) => { if (p && !pages.includes(p)) pages.push(p); };
  switch (who) {
    case 'agency':
      pages.push('/websites', '/engagements', '/reports', '/people', '/audit');
      add(await firstLink(page, '/websites', '[data-test="websites"] a[href^="/websites/"]'));
      add(await firstLink(page, '/engagements', '[data-test="engagements"] a[href^="/engagements/"]'));
      add(await firstLink(page, '/reports', '[data-test="open-submission"]'));
      add(await firstLink(page, '/people', '[data-test="deactivate"]'));
      pages.push('/rosters', '/duty');
      add(await firstLink(page, '/rosters', '[data-test="desks"] a[href^="/rosters/"]'));
      pages.push('/emergency', '/incidents');
      add(await firstLink(page, '/emergency', '[data-test="plans"] a[href^="/emergency/plans/"]'));
      add(await firstLink(page, '/emergency', '[data-test="drills"] a[href^="/emergency/drills/"]'));
      add(await firstLink(page, '/incidents', '[data-test="incidents"] a[href^="/incidents/"]'));
      await slaPages(page, add);
      await exitPages(page, add);
      break;
    case 'csp':
      pages.push('/websites', '/engagements', '/reports');
      add(await firstLink(page, '/reports', '[data-test="submit-report"]'));
      add(await firstLink(page, '/reports', '[data-test="resubmit-report"]'));
      add(await firstLink(page, '/engagements', '[data-test="end"]'));
      pages.push('/rosters', '/duty', '/emergency', '/incidents');
      add(await firstLink(page, '/emergency', '[data-test="plans"] a[href^="/emergency/plans/"]'));
      add(await firstLink(page, '/incidents', '[data-test="incidents"] a[href^="/incidents/"]'));
      await slaPages(page, add);
      add('/exits');
      break;
    case 'regulator':
      pages.push('/oversight', '/oversight?group=1', '/oversight/report', '/websites', '/engagements', '/reports', '/reports/matrix', '/reports/matrix?cadence=yearly&kind=self_check', '/rosters', '/rosters?uncovered=on');
      pages.push('/emergency', '/emergency?overdue=on', '/incidents', '/incidents?status=all');
      add(await firstLink(page, '/oversight', '[data-test="board-table"] a[href^="/oversight/agencies/"]'));
      add(await firstLink(page, '/incidents?status=all', '[data-test="incidents"] a[href^="/incidents/"]'));
      add(await firstLink(page, '/emergency', '[data-test="drill-overview"] a[href^="/emergency/agencies/"]'));
      add('/sla?breached=on');
      await slaPages(page, add);
      await exitPages(page, add);
      break;
    case 'platform':
      pages.push('/organisations', '/jurisdictions', '/people', '/audit');
      break;
  }
  return pages;
}

test('every page fits a phone and a desktop, in both languages', async () => {
  const problems = [];
  const accounts = [
    ['agency', 'admin@agency.example'],
    ['csp', 'security@csp.example'],
    ['regulator', 'admin@regulator.example'],
    ['platform', 'platform@portal.example'],
  ];
  // The language comes from the browser's (the demo accounts keep no choice of their own), so
  // the journey leaves every account as it found it.
  for (const [who, email] of accounts) {
    for (const [lang, locale] of [['zh', 'zh-CN'], ['en', 'en-US']]) {
      const { context, page, errors } = await open({ locale });
      await signIn(page, email);
      for (const path of await pagesOf(page, who)) problems.push(...(await check(page, who, lang, path)));
      assert.deepEqual(errors.filter((e) => !e.includes('status of 404')), [], `${who} ${lang}`);
      await context.close();
    }
  }
  // The signed-out pages too.
  for (const [lang, locale] of [['zh', 'zh-CN'], ['en', 'en-US']]) {
    const { context, page } = await open({ locale });
    problems.push(...(await check(page, 'signed-out', lang, '/login')));
    await context.close();
  }
  assert.deepEqual(problems, []);
});
