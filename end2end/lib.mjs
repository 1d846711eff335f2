// Shared by the journeys: the browser (Debian's Chromium), a fresh context per person, sign-in.
import { before, after } from 'node:test';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.PORTAL_URL ?? 'http://127.0.0.1:3000';
export const PASSWORD = 'Demo-Portal-2026';
export const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'portal-screenshots');
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // Playwright launches with a fresh temporary profile of its own.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => { await browser?.close(); });

/** A fresh browser context that records console errors (CSP violations show up there). */
export async function open({ javaScriptEnabled = true, locale = 'zh-CN', userAgent } = {}) {
  const context = await browser.newContext({ javaScriptEnabled, locale, userAgent, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

export async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 20000 });
}

export async function signIn(page, email, password = PASSWORD) {
  await page.goto(`${BASE}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForNavigation(), page.click('[data-test="sign-in"]')]);
}
