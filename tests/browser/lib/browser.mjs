// Headless Chromium from Debian, driven by playwright-core, with every
// request outside the loopback range blocked and recorded.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/;

function isLoopbackUrl(text) {
  const url = new URL(text);
  if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') {
    return true;
  }
  return LOOPBACK.test(url.hostname);
}

/**
 * Launches Chromium with a new, empty profile. Returns {context, blocked,
 * close()}: blocked lists the URLs of requests that left the loopback
 * range, which were aborted.
 */
export async function launchBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'sfmovies-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    timeout: 60000,
    ...options,
  });
  const blocked = [];
  await context.route((url) => !isLoopbackUrl(url.href), (route) => {
    blocked.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  let closed = false;
  return {
    context,
    blocked,
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a page that records uncaught errors and dialogs (alert, confirm). */
export async function openPage(context, url) {
  const page = await context.newPage();
  const problems = { errors: [], dialogs: [] };
  page.on('pageerror', (err) => problems.errors.push(err.message));
  page.on('dialog', (dialog) => {
    problems.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  if (url) {
    await page.goto(url);
  }
  return { page, problems };
}
