// The number checker and the careful instant answer in a real browser: the verdict card on
// /search with JavaScript off and on (a listed and an unlisted number), the typeahead's verdict
// option, scam guidance and a combined answer, and axe-core on the verdict pages, light and dark.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const AxeBuilder = require('@axe-core/playwright').default;
const {
  DESKTOP, MOBILE, assertCleanPage, launchBrowser, openPage, screenshot, sitePath, url,
} = require('../lib/harness');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];

const UNKNOWN = '/search?q=is+1-800-123-4567+amex';
const KNOWN = '/search?q=is+1-855-693-2213+really+amex';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

/** The site path of the first result's link. */
async function firstResult(page) {
  const href = await page.locator('#results li.result h2 a').first().getAttribute('href');
  return href;
}

async function checkUnknownVerdict(page) {
  const verdict = page.locator('#number-check');
  await verdict.waitFor({ state: 'visible' });
  assert.equal(await verdict.getAttribute('data-known'), 'false');
  const text = await verdict.innerText();
  assert.match(text, /1-800-123-4567 is not a number the guides give for American Express/);
  assert.match(text, /caller ID can be spoofed/i);
  assert.match(text, /back of your card/i);
  // The fraud line, for people who already shared details, as tap-to-call links.
  assert.ok(await verdict.locator('a[href="tel:+18005284800"]').count() >= 1);
  // No directory card is shown as "the number for this".
  assert.equal(await page.locator('#instant-answer').count(), 0);
  // The verdict comes before the results, and the checker's page leads them.
  const verdictTop = (await verdict.boundingBox()).y;
  const resultsTop = (await page.locator('#results').boundingBox()).y;
  assert.ok(verdictTop < resultsTop, 'the verdict is above the results');
  assert.equal(await firstResult(page), '/articles/check-a-phone-number');
}

async function checkKnownVerdict(page) {
  const verdict = page.locator('#number-check');
  await verdict.waitFor({ state: 'visible' });
  assert.equal(await verdict.getAttribute('data-known'), 'true');
  const text = await verdict.innerText();
  assert.match(text, /1-855-693-2213 is in the guides/);
  assert.match(text, /Report suspected fraud/);
  assert.match(text, /caller ID can be spoofed/i);
  assert.equal(await verdict.locator('a[href="tel:+18556932213"]').count(), 1);
  assert.equal(await firstResult(page), '/contact#fraud');
}

describe('number checker verdict on /search', () => {
  for (const javaScriptEnabled of [false, true]) {
    const label = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';

    it(`an unlisted number, ${label}`, async () => {
      const { context, page } = await openPage(browser, { javaScriptEnabled });
      try {
        await page.goto(url(UNKNOWN));
        await checkUnknownVerdict(page);
        if (javaScriptEnabled) {
          await assertCleanPage(assert, page, 'unknown verdict');
        }
        await screenshot(page, `verdict-unknown-${javaScriptEnabled ? 'js' : 'nojs'}`);
      } finally {
        await context.close();
      }
    });

    it(`a listed number inside a sentence, ${label}`, async () => {
      const { context, page } = await openPage(browser, { javaScriptEnabled });
      try {
        await page.goto(url(KNOWN));
        await checkKnownVerdict(page);
        if (javaScriptEnabled) {
          await assertCleanPage(assert, page, 'known verdict');
        }
        await screenshot(page, `verdict-known-${javaScriptEnabled ? 'js' : 'nojs'}`);
      } finally {
        await context.close();
      }
    });

    it(`the home form submits a number to the verdict, ${label}`, async () => {
      const { context, page } = await openPage(browser, { javaScriptEnabled });
      try {
        await page.goto(url('/'));
        await page.locator('#search-input').fill('is 1-800-123-4567 amex');
        await Promise.all([page.waitForURL(/\/search\?/), page.locator('#search-input').press('Enter')]);
        await checkUnknownVerdict(page);
      } finally {
        await context.close();
      }
    });
  }
});

describe('typeahead verdict option', () => {
  for (const [typed, pattern, known] of [
    ['1-800-123-4567', /1-800-123-4567 is not a number the guides give/, 'false'],
    ['(855) 693-2213', /1-855-693-2213 is in the guides: Report suspected fraud/, 'true'],
  ]) {
    it(`typing ${typed} offers the verdict first, and Enter opens it`, async () => {
      const { context, page } = await openPage(browser);
      try {
        await page.goto(url('/'));
        const input = page.locator('#search-input');
        await input.click();
        await input.pressSequentially(typed, { delay: 10 });
        const listbox = page.getByRole('listbox', { name: 'Suggestions' });
        await listbox.waitFor({ state: 'visible' });
        const first = listbox.getByRole('option').first();
        assert.match(await first.innerText(), pattern);
        assert.match(await first.innerText(), /Number check/i);
        assert.equal(await first.getAttribute('class'), 'kind-number');
        await page.keyboard.press('ArrowDown');
        await Promise.all([page.waitForURL(/\/search\?q=/), page.keyboard.press('Enter')]);
        assert.match(sitePath(page.url()), /^\/search\?q=1-8\d\d-\d{3}-\d{4}$/);
        assert.equal(await page.locator('#number-check').getAttribute('data-known'), known);
        await assertCleanPage(assert, page, `typeahead ${typed}`);
      } finally {
        await context.close();
      }
    });
  }
});

describe('careful instant answers', () => {
  it('a scam situation puts the scam guidance first, with the fraud line', async () => {
    const { context, page } = await openPage(browser, { javaScriptEnabled: false });
    try {
      await page.goto(url('/search?q=someone+called+saying+they+are+amex+and+asked+for+my+pin'));
      const answer = page.locator('#instant-answer');
      assert.equal(await answer.getAttribute('data-kind'), 'safety');
      const text = await answer.innerText();
      assert.match(text, /If someone contacted you claiming to be Amex/i);
      assert.match(text, /If you already shared details: the fraud line/);
      assert.ok(await answer.locator('a[href="tel:+18005284800"]').count() >= 1);
      assert.match(await firstResult(page), /^\/articles\/avoid-amex-scams#/);
    } finally {
      await context.close();
    }
  });

  it('a combined situation shows both numbers, each labelled', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(url('/search?q=card+stolen+while+traveling+in+japan'));
      const answer = page.locator('#instant-answer');
      const roles = await answer.locator('.answer-role').allInnerTexts();
      assert.equal(roles.length, 2);
      assert.match(roles[0], /outside the U\.S\./);
      assert.match(roles[1], /lost or stolen/);
      assert.equal(await answer.locator('a[href="tel:+16234925450"]').count(), 1);
      assert.equal(await answer.locator('a[href="tel:+18005284800"]').count(), 1);
      await assertCleanPage(assert, page, 'combined answer');
      await screenshot(page, 'answer-combined');
    } finally {
      await context.close();
    }
  });

  it('an account question the guides do not cover gets the general route', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(url('/search?q=balance+transfer'));
      const answer = page.locator('#instant-answer');
      assert.equal(await answer.getAttribute('data-kind'), 'general_route');
      assert.match(await answer.innerText(), /Neither guide covers this question/);
    } finally {
      await context.close();
    }
  });

  it('the checker page is linked from home and the directory', async () => {
    const { context, page } = await openPage(browser);
    try {
      for (const target of ['/', '/contact']) {
        await page.goto(url(target));
        assert.equal(await page.locator('#checker-link a').getAttribute('href'), '/articles/check-a-phone-number');
      }
    } finally {
      await context.close();
    }
  });
});

describe('axe-core on the verdict pages', () => {
  for (const [width, viewport, mobile] of [['desktop', DESKTOP, false], ['mobile', MOBILE, true]]) {
    for (const colorScheme of ['light', 'dark']) {
      for (const target of [UNKNOWN, KNOWN, '/search?q=they+asked+for+my+cvv+over+the+phone', '/search?q=lost+card+in+paris', '/articles/check-a-phone-number']) {
        it(`${target}, ${colorScheme}, ${width}: no violations`, async () => {
          const { context, page } = await openPage(browser, {
            viewport, colorScheme, isMobile: mobile, hasTouch: mobile,
          });
          try {
            await page.goto(url(target));
            const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
            const violations = results.violations.flatMap((violation) => violation.nodes.map((node) =>
              `${violation.id}: ${node.target.join(' ')} — ${node.failureSummary.replace(/\s+/g, ' ')}`));
            assert.deepEqual(violations, []);
          } finally {
            await context.close();
          }
        });
      }
    }
  }
});
