// Phones: at 360x740 no page scrolls sideways, and the search box is on the first screen, wide enough
// and with text large enough (16px+) that mobile browsers do not zoom in on focus.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const {
  MOBILE, PAGES, launchBrowser, openPage, url,
} = require('../lib/harness');

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

/** Elements whose right edge passes the viewport's, for a helpful failure message. */
function overflowingElements() {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const element of document.querySelectorAll('body *')) {
    const rect = element.getBoundingClientRect();
    if (rect.width > 0 && (rect.right > width + 0.5 || rect.left < -0.5)) {
      let text = element.tagName.toLowerCase();
      if (element.id) text += '#' + element.id;
      if (element.className && typeof element.className === 'string') text += '.' + element.className.split(' ').join('.');
      found.push(`${text} [${Math.round(rect.left)}, ${Math.round(rect.right)}]`);
    }
  }
  return found.slice(0, 10);
}

describe(`mobile ${MOBILE.width}x${MOBILE.height}`, () => {
  {
    const colorScheme = 'light';
    for (const target of PAGES) {
      it(`${target.name}: no sideways scrolling; search box usable without zoom`, async () => {
        const { context, page } = await openPage(browser, {
          viewport: MOBILE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, colorScheme,
        });
        try {
          await page.goto(url(target.path));
          const size = await page.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth,
            bodyScrollWidth: document.body.scrollWidth,
          }));
          assert.equal(size.clientWidth, MOBILE.width, 'layout viewport is the device width (meta viewport)');
          assert.ok(
            size.scrollWidth <= size.clientWidth && size.bodyScrollWidth <= size.clientWidth,
            `scrolls sideways: ${JSON.stringify(size)}; wide: ${(await page.evaluate(overflowingElements)).join(', ')}`,
          );

          const input = page.locator('#search-input');
          assert.equal(await input.count(), 1, 'one search box');
          assert.ok(await input.isVisible(), 'search box visible');
          const box = await input.boundingBox();
          assert.ok(box.y >= 0 && box.y + box.height <= MOBILE.height, `search box on the first screen: ${JSON.stringify(box)}`);
          assert.ok(box.x >= 0 && box.x + box.width <= MOBILE.width, `search box fits the width: ${JSON.stringify(box)}`);
          assert.ok(box.width >= 200, `search box wide enough to type in: ${box.width}px`);
          assert.ok(box.height >= 44, `search box tall enough to tap: ${box.height}px`);
          const fontSize = await input.evaluate((node) => parseFloat(getComputedStyle(node).fontSize));
          assert.ok(fontSize >= 16, `search text ${fontSize}px would make phones zoom`);
          const submit = page.locator('#search-submit');
          const submitBox = await submit.boundingBox();
          assert.ok(submitBox.x + submitBox.width <= MOBILE.width, 'search button fits the width');

          await input.tap();
          assert.ok(await input.evaluate((node) => node === document.activeElement), 'tapping focuses the box');
          assert.equal(await page.evaluate(() => window.visualViewport.scale), 1, 'no zoom');
        } finally {
          await context.close();
        }
      });
    }
  }

  it('at 320px (WCAG reflow width) no page scrolls sideways either', async () => {
    const { context, page } = await openPage(browser, {
      viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true,
    });
    try {
      for (const target of PAGES) {
        await page.goto(url(target.path));
        const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(size[0] <= size[1], `${target.name} scrolls sideways at 320px: ${size}; wide: ${(await page.evaluate(overflowingElements)).join(', ')}`);
      }
    } finally {
      await context.close();
    }
  });

  it('the open typeahead fits the screen', async () => {
    const { context, page } = await openPage(browser, { viewport: MOBILE, isMobile: true, hasTouch: true });
    try {
      await page.goto(url('/articles/lost-or-stolen-card'));
      const input = page.locator('#search-input');
      await input.tap();
      await input.pressSequentially('talk to a live person', { delay: 10 });
      const listbox = page.getByRole('listbox', { name: 'Suggestions' });
      await listbox.waitFor({ state: 'visible' });
      const box = await listbox.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= MOBILE.width, `listbox fits: ${JSON.stringify(box)}`);
      const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(size[0] <= size[1], `no sideways scroll with the list open: ${size}`);
      const option = listbox.getByRole('option').first();
      const target = await page.evaluate(() => location.pathname);
      await Promise.all([page.waitForURL((next) => next.pathname !== target), option.tap()]);
      // Tapping a suggestion opens it (which answer ranks first is the search's business).
      const { pathname, hash } = new URL(page.url());
      assert.match(`${pathname}${hash}`, /talk-to-a-live-person/);
    } finally {
      await context.close();
    }
  });
});
