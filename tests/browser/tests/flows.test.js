// End-to-end flows from the issue: typeahead with the keyboard, the same answer without JavaScript,
// section deep links, old URLs that redirect, and tap-to-call links.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const {
  assertCleanPage, launchBrowser, openPage, sitePath, url,
} = require('../lib/harness');

const LIVE_PERSON_QUERY = 'talk to a live person';
const LIVE_PERSON_ARTICLE = '/articles/talk-to-a-live-person';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

/**
 * The page shown is the live-person answer: the article (or one of its sections) or the FAQ entry,
 * with "live person" in its title or in the linked-to question, and a linked-to part in view.
 * Which of these ranks first is the search's business; that it is one of them is ours.
 */
async function assertLivePersonAnswer(page) {
  const { pathname, hash } = new URL(page.url());
  assert.ok(
    pathname === LIVE_PERSON_ARTICLE || (pathname === '/faq' && hash === '#talk-to-a-live-person'),
    `landed on the live-person answer, got ${pathname}${hash}`,
  );
  const shown = await page.evaluate((fragment) => {
    const title = document.querySelector('h1').textContent;
    if (!fragment) return { title, target: '', inView: true };
    const element = document.getElementById(decodeURIComponent(fragment.slice(1)));
    const heading = element.matches('h1, h2, h3, h4') ? element : element.querySelector('h1, h2, h3, h4');
    const rect = heading.getBoundingClientRect();
    return { title, target: heading.textContent, inView: rect.top >= 0 && rect.bottom <= window.innerHeight };
  }, hash);
  assert.match(`${shown.title} | ${shown.target}`, /live person/i);
  assert.ok(shown.inView, `the linked-to heading "${shown.target}" is in view`);
}

/** Types like a person, one key at a time, so the debounced typeahead sees real input events. */
async function typeQuery(page, text) {
  const input = page.locator('#search-input');
  await input.click();
  await input.pressSequentially(text, { delay: 20 });
  return input;
}

describe('typeahead and search', () => {
  it('typing "talk to a live person" on home shows suggestions; ArrowDown + Enter opens the live-person answer', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(url('/'));
      const input = await typeQuery(page, LIVE_PERSON_QUERY);

      const listbox = page.getByRole('listbox', { name: 'Suggestions' });
      await listbox.waitFor({ state: 'visible' });
      const options = listbox.getByRole('option');
      assert.ok(await options.count() >= 1, 'at least one suggestion');
      assert.equal(await input.getAttribute('role'), 'combobox');
      assert.equal(await input.getAttribute('aria-expanded'), 'true');
      assert.equal(await input.getAttribute('aria-controls'), await listbox.getAttribute('id'));
      assert.match(await options.first().innerText(), /live person/i);
      // Screen readers are told how many suggestions there are.
      assert.match(await page.locator('#search-status').innerText(), /\d+ suggestions? available/);

      await page.keyboard.press('ArrowDown');
      const first = options.first();
      assert.equal(await first.getAttribute('aria-selected'), 'true');
      assert.equal(await input.getAttribute('aria-activedescendant'), await first.getAttribute('id'));
      assert.ok(await input.evaluate((node) => node === document.activeElement), 'focus stays in the box');

      await Promise.all([page.waitForURL((target) => target.pathname !== '/'), page.keyboard.press('Enter')]);
      await assertLivePersonAnswer(page);
      await assertCleanPage(assert, page, 'typeahead flow');
    } finally {
      await context.close();
    }
  });

  it('Enter without choosing a suggestion submits the form to the full results page', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(url('/faq'));
      await typeQuery(page, 'lost card');
      await page.getByRole('listbox', { name: 'Suggestions' }).waitFor({ state: 'visible' });
      await Promise.all([page.waitForURL(/\/search\?/), page.keyboard.press('Enter')]);
      assert.equal(new URL(page.url()).searchParams.get('q'), 'lost card');
      assert.ok(await page.locator('#results li').count() > 0, 'results listed');
      await assertCleanPage(assert, page, 'form submit with JavaScript');
    } finally {
      await context.close();
    }
  });

  it('with JavaScript disabled the form still answers, and the first result is the live-person answer', async () => {
    const { context, page } = await openPage(browser, { javaScriptEnabled: false });
    try {
      await page.goto(url('/'));
      const input = page.locator('#search-input');
      assert.equal(await input.getAttribute('role'), null, 'no combobox without the script');
      await input.fill(LIVE_PERSON_QUERY);
      await Promise.all([page.waitForURL(/\/search\?/), input.press('Enter')]);
      assert.equal(new URL(page.url()).pathname, '/search');
      assert.equal(new URL(page.url()).searchParams.get('q'), LIVE_PERSON_QUERY);
      assert.equal(await page.locator('#search-input').inputValue(), LIVE_PERSON_QUERY, 'query echoed in the box');
      const firstResult = page.locator('#results li.result').first().locator('.result-title a');
      const href = await firstResult.getAttribute('href');
      await Promise.all([page.waitForURL((target) => target.pathname !== '/search'), firstResult.press('Enter')]);
      assert.equal(sitePath(page.url()), href);
      await assertLivePersonAnswer(page);
      await assertCleanPage(assert, page, 'search without JavaScript');
    } finally {
      await context.close();
    }
  });

  it('Escape closes the open typeahead and keeps focus in the box; a second Escape clears it', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(url('/contact'));
      const input = await typeQuery(page, 'stolen');
      const listbox = page.getByRole('listbox', { name: 'Suggestions' });
      await listbox.waitFor({ state: 'visible' });
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Escape');
      await listbox.waitFor({ state: 'hidden' });
      assert.equal(await input.getAttribute('aria-expanded'), 'false');
      assert.equal(await input.getAttribute('aria-activedescendant'), null);
      assert.equal(await input.inputValue(), 'stolen');
      assert.ok(await input.evaluate((node) => node === document.activeElement), 'focus stays in the box');
      await page.keyboard.press('Escape');
      assert.equal(await input.inputValue(), '');
      await assertCleanPage(assert, page, 'escape');
    } finally {
      await context.close();
    }
  });
});

describe('links that last', () => {
  it('/articles/<slug>#<section> scrolls the section heading into view', async () => {
    const { context, page } = await openPage(browser);
    try {
      const section = 'if-the-wait-is-too-long';
      await page.goto(url(`${LIVE_PERSON_ARTICLE}#${section}`));
      const heading = page.locator(`#${section}`);
      assert.match(await heading.evaluate((node) => node.tagName), /^H[2-4]$/);
      // Entirely on screen, below the top edge.
      const box = await heading.evaluate((node) => {
        const rect = node.getBoundingClientRect();
        return { top: rect.top, bottom: rect.bottom, height: window.innerHeight };
      });
      assert.ok(box.top >= 0 && box.bottom <= box.height, `heading in viewport: ${JSON.stringify(box)}`);
      assert.ok(await page.evaluate(() => window.scrollY > 0), 'the page scrolled');
      assert.ok(await heading.evaluate((node) => node.matches(':target')), 'heading is the :target');
      await assertCleanPage(assert, page, 'section deep link');
    } finally {
      await context.close();
    }
  });

  for (const [oldPath, newPath] of [
    ['/articles/live-person', LIVE_PERSON_ARTICLE],
    ['/articles/lost-card', '/articles/lost-or-stolen-card'],
  ]) {
    it(`the alias ${oldPath} answers 301 and lands on ${newPath}`, async () => {
      const { context, page } = await openPage(browser);
      try {
        const direct = await context.request.get(url(oldPath), { maxRedirects: 0 });
        assert.equal(direct.status(), 301);
        assert.equal(direct.headers().location, newPath);

        const response = await page.goto(url(oldPath));
        assert.equal(sitePath(page.url()), newPath);
        assert.equal(response.status(), 200);
        const redirect = await response.request().redirectedFrom().response();
        assert.equal(redirect.status(), 301);
        const canonical = await page.locator('link[rel="canonical"]').getAttribute('href');
        assert.equal(new URL(canonical).pathname, newPath);
        await assertCleanPage(assert, page, `alias ${oldPath}`);
      } finally {
        await context.close();
      }
    });
  }

  it('an alias with a #section keeps the fragment and shows the section', async () => {
    const { context, page } = await openPage(browser);
    try {
      const section = 'how-to-reach-a-representative';
      await page.goto(url(`/articles/live-person#${section}`));
      assert.equal(sitePath(page.url()), `${LIVE_PERSON_ARTICLE}#${section}`);
      const rect = await page.locator(`#${section}`).evaluate((node) => {
        const { top, bottom } = node.getBoundingClientRect();
        return { top, bottom, height: window.innerHeight };
      });
      assert.ok(rect.top >= 0 && rect.bottom <= rect.height, `section in view: ${JSON.stringify(rect)}`);
      await assertCleanPage(assert, page, 'alias with a fragment');
    } finally {
      await context.close();
    }
  });

  for (const [variant, canonical] of [['/FAQ', '/faq'], ['/contact/', '/contact'], ['/Articles/Lost-Card', '/articles/lost-or-stolen-card']]) {
    it(`${variant} redirects to ${canonical}`, async () => {
      const { context, page } = await openPage(browser);
      try {
        const response = await page.goto(url(variant));
        assert.equal(response.status(), 200);
        assert.equal(sitePath(page.url()), canonical);
      } finally {
        await context.close();
      }
    });
  }
});

describe('tap to call', () => {
  for (const [label, target, selector, minimum] of [
    ['the instant-answer card for "lost card"', '/search?q=lost+card', '#instant-answer a[href^="tel:+1"]', 1],
    ['the featured cards on home', '/', '#featured-numbers a[href^="tel:+1"]', 5],
    ['the contact directory', '/contact', 'main a[href^="tel:+1"]', 10],
    ['the contact panel of an article', '/articles/lost-or-stolen-card', '#contact-panel a[href^="tel:+1"]', 1],
  ]) {
    it(`${label} has tel:+1 links`, async () => {
      const { context, page } = await openPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
      try {
        await page.goto(url(target));
        const links = page.locator(selector);
        const count = await links.count();
        assert.ok(count >= minimum, `${count} tel links, expected at least ${minimum}`);
        for (let index = 0; index < count; index += 1) {
          const link = links.nth(index);
          const href = await link.getAttribute('href');
          assert.match(href, /^tel:\+1\d{10}$/);
          // The link's text is the number it dials.
          const digits = (await link.innerText()).replace(/\D/g, '');
          assert.ok(href.endsWith(digits.slice(-10)), `${href} shows ${await link.innerText()}`);
        }
        // Big enough to tap: at least 24x24 CSS pixels (WCAG 2.2 target size).
        const box = await links.first().boundingBox();
        assert.ok(box && box.height >= 24 && box.width >= 24, `tap target ${JSON.stringify(box)}`);
        if (target.startsWith('/search')) {
          assert.match(await page.locator('#instant-answer').innerText(), /lost|stolen/i);
        }
        await assertCleanPage(assert, page, label);
      } finally {
        await context.close();
      }
    });
  }
});
