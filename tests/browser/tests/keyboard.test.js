// Keyboard alone: the first Tab reaches the skip link and Enter on it moves focus to the main content;
// Tab walks every control with a visible focus ring and never drops focus to <body>; Enter follows
// links and submits the search; Escape closes the typeahead (see flows.test.js).
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const {
  PAGES, focusIsFirstAfterMain, focusState, launchBrowser, openPage, recordFocus, tabbableCount, url,
} = require('../lib/harness');

/** Safety cap on Tab presses per page, so a focus trap fails the test instead of hanging it. */
const MAX_TABS = 400;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

describe('keyboard', () => {
  for (const target of PAGES) {
    it(`${target.name}: skip link first, Enter focuses main, every Tab stop visibly focused`, async () => {
      const { context, page } = await openPage(browser);
      try {
        await page.goto(url(target.path));

        await page.keyboard.press('Tab');
        const skip = await focusState(page);
        assert.equal(skip.description, 'a[href="#main"]', 'first Tab focuses the skip link');
        assert.ok(skip.visibleRing && skip.inViewport, `skip link visible when focused: ${JSON.stringify(skip)}`);
        const skipBox = await page.locator('.skip-link').boundingBox();
        assert.ok(skipBox.width > 40 && skipBox.height > 20, `skip link shown on focus: ${JSON.stringify(skipBox)}`);

        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'Enter on the skip link focuses <main>');
        assert.equal(new URL(page.url()).hash, '#main');
        await page.keyboard.press('Tab');
        assert.ok(
          await focusIsFirstAfterMain(page),
          `the Tab after the skip link goes to the first control in main, got ${(await focusState(page)).description}`,
        );

        // Now the whole page from the top, every stop.
        await page.goto(url(target.path));
        const expected = await tabbableCount(page);
        assert.ok(expected > 3, `page has controls (${expected})`);
        let distinct = 0;
        for (let step = 1; step <= Math.min(expected, MAX_TABS); step += 1) {
          await page.keyboard.press('Tab');
          const state = await focusState(page);
          assert.equal(state.lost, false, `Tab ${step}: focus lost to ${state.description}`);
          assert.ok(state.visibleRing, `Tab ${step}: no visible focus indicator on ${state.description}`);
          assert.ok(state.focusVisible, `Tab ${step}: ${state.description} does not match :focus-visible`);
          assert.ok(state.inViewport, `Tab ${step}: ${state.description} is off screen when focused`);
          distinct = await recordFocus(page);
        }
        assert.equal(distinct, Math.min(expected, MAX_TABS), 'each Tab reached a new control, none skipped or repeated');
        assert.ok(expected <= MAX_TABS, `more than ${MAX_TABS} tab stops`);
      } finally {
        await context.close();
      }
    });
  }

  it('Tab to "Phone numbers" and Enter follows the link', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(url('/'));
      let found = false;
      for (let step = 0; step < 10 && !found; step += 1) {
        await page.keyboard.press('Tab');
        found = await page.evaluate(() => document.activeElement.getAttribute('href') === '/contact');
      }
      assert.ok(found, 'reached the Phone numbers link');
      await Promise.all([page.waitForURL('**/contact'), page.keyboard.press('Enter')]);
      assert.match(await page.locator('h1').innerText(), /phone numbers/i);
    } finally {
      await context.close();
    }
  });

  it('Tab to the search box, type, Tab to the button and Enter submits', async () => {
    const { context, page } = await openPage(browser, { javaScriptEnabled: false });
    try {
      await page.goto(url('/faq'));
      let found = false;
      for (let step = 0; step < 10 && !found; step += 1) {
        await page.keyboard.press('Tab');
        found = await page.evaluate(() => document.activeElement.id === 'search-input');
      }
      assert.ok(found, 'reached the search box');
      await page.keyboard.type('dispute');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'search-submit');
      await Promise.all([page.waitForURL(/\/search\?q=dispute/), page.keyboard.press('Enter')]);
      assert.ok(await page.locator('#results li').count() > 0);
    } finally {
      await context.close();
    }
  });

  it('a heading # link taken with Enter moves to that section', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(url('/articles/talk-to-a-live-person'));
      await page.locator('#toc a').nth(2).focus();
      const href = await page.evaluate(() => document.activeElement.getAttribute('href'));
      await page.keyboard.press('Enter');
      await page.waitForURL(`**${href}`);
      const inView = await page.locator(href).evaluate((node) => {
        const rect = node.getBoundingClientRect();
        return rect.top >= 0 && rect.bottom <= window.innerHeight;
      });
      assert.ok(inView, `${href} in view after Enter`);
    } finally {
      await context.close();
    }
  });
});
