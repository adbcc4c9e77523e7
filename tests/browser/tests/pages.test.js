// Every page type loads cleanly (no console error, exception, failed request or CSP violation, in
// light and dark, with the typeahead exercised) and is photographed at desktop and mobile widths.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const {
  DESKTOP, MOBILE, PAGES, assertCleanPage, launchBrowser, openPage, screenshot, url,
} = require('../lib/harness');

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

describe('every page loads cleanly', () => {
  for (const target of PAGES) {
    for (const colorScheme of ['light', 'dark']) {
      it(`${target.name} (${colorScheme}): status ${target.status}, no console error, no CSP violation`, async () => {
        const { context, page } = await openPage(browser, { colorScheme });
        try {
          const response = await page.goto(url(target.path), { waitUntil: 'load' });
          assert.equal(response.status(), target.status);
          assert.match(response.headers()['content-security-policy'] || '', /default-src 'self'/);
          // Exercise the script too: suggestions are fetched under connect-src 'self'.
          const input = page.locator('#search-input');
          await input.fill('');
          await input.pressSequentially('card', { delay: 10 });
          await page.getByRole('listbox', { name: 'Suggestions' }).waitFor({ state: 'visible' });
          await page.keyboard.press('Escape');
          await assertCleanPage(assert, page, target.name, target.expectedConsole);
          if (target.expectedConsole) {
            // The allowed message must really be the page's own 404, and only once.
            assert.equal(page.problems.console.length, 1, 'exactly one console message on the 404 page');
          }
        } finally {
          await context.close();
        }
      });
    }
  }
});

describe('screenshots', () => {
  for (const [width, viewport, mobile] of [['desktop', DESKTOP, false], ['mobile', MOBILE, true]]) {
    for (const colorScheme of ['light', 'dark']) {
      it(`every page type at ${width} width (${viewport.width}x${viewport.height}, ${colorScheme})`, async () => {
        const { context, page } = await openPage(browser, {
          viewport, colorScheme, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: 1,
        });
        try {
          for (const target of PAGES) {
            await page.goto(url(target.path));
            const suffix = colorScheme === 'light' ? '' : '-dark';
            const file = await screenshot(page, `${target.name}-${width}${suffix}`);
            assert.ok(file.endsWith('.png'));
          }
          // Linked-to places (:target highlight), as the first screen a shared link shows.
          for (const [name, target] of [
            ['section', '/articles/talk-to-a-live-person#how-to-reach-a-representative'],
            ['faq', '/faq#talk-to-a-live-person'],
            ['contact', '/contact#lost-stolen'],
          ]) {
            await page.goto(url(target));
            await screenshot(page, `linked-${name}-${width}${colorScheme === 'light' ? '' : '-dark'}`, { fullPage: false });
          }
          // The typeahead open, as a person sees it.
          await page.goto(url('/'));
          const input = page.locator('#search-input');
          await input.click();
          await input.pressSequentially('talk to a live person', { delay: 10 });
          await page.getByRole('listbox', { name: 'Suggestions' }).waitFor({ state: 'visible' });
          await page.keyboard.press('ArrowDown');
          const suffix = colorScheme === 'light' ? '' : '-dark';
          await screenshot(page, `typeahead-${width}${suffix}`, { fullPage: false });
        } finally {
          await context.close();
        }
      });
    }
  }
});
