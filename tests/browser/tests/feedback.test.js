// "Was this helpful?": voting with JavaScript off (the form posts, the 303 answer comes back to the
// page's thank-you, shown by :target) and on (no reload), the "no" reasons with the numbers that
// fit the page after them, and axe-core on the open form and the thank-you states.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const AxeBuilder = require('@axe-core/playwright').default;
const {
  assertCleanPage, launchBrowser, openPage, screenshot, url,
} = require('../lib/harness');

const ARTICLE = '/articles/talk-to-a-live-person';
const FAQ_ID = 'best-number-for-my-card';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

async function assertNoViolations(page, label) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const found = results.violations.flatMap((violation) => violation.nodes.map((node) =>
    `${violation.id}: ${node.target.join(' ')} — ${node.failureSummary.replace(/\s+/g, ' ')}`));
  assert.deepEqual(found, [], label);
}

/** Opens the "No" part of the block with `scope`, picks a reason, types a comment and sends. */
async function answerNo(page, scope) {
  const block = page.locator(`#${scope}-feedback`);
  await block.locator('summary').click();
  await block.getByLabel('I could not reach a person').check();
  await block.getByLabel(/Anything to add/).fill('The menu kept looping');
  await block.getByRole('button', { name: 'Send' }).click();
}

describe('was this helpful?', () => {
  for (const javaScriptEnabled of [false, true]) {
    const label = javaScriptEnabled ? 'JavaScript on' : 'JavaScript off';

    it(`"yes" on an article shows the thank-you, ${label}`, async () => {
      const { context, page } = await openPage(browser, { javaScriptEnabled });
      try {
        await page.goto(url(ARTICLE));
        const block = page.locator('#article-feedback');
        const before = page.url();
        await block.getByRole('button', { name: 'Yes' }).click();
        const thanks = page.locator('#article-feedback-thanks');
        await thanks.waitFor({ state: 'visible' });
        assert.match(await thanks.innerText(), /Thank you/);
        assert.equal(await block.locator('.feedback-ask').isVisible(), false, 'the question is gone');
        if (javaScriptEnabled) {
          assert.equal(page.url(), before, 'no reload, no navigation');
          await assertCleanPage(assert, page, 'feedback yes');
        } else {
          assert.equal(new URL(page.url()).hash, '#article-feedback-thanks');
        }
      } finally {
        await context.close();
      }
    });

    it(`"no" on a FAQ entry asks why, then shows its numbers, ${label}`, async () => {
      const { context, page } = await openPage(browser, { javaScriptEnabled });
      try {
        await page.goto(url(`/faq#${FAQ_ID}`));
        const scope = `faq-${FAQ_ID}`;
        const reasons = page.locator(`#${scope}-feedback input[name="reason"]`);
        assert.equal(await reasons.count(), 5, 'five reasons');
        await answerNo(page, scope);
        const sorry = page.locator(`#${scope}-feedback-sorry`);
        await sorry.waitFor({ state: 'visible' });
        assert.ok(await sorry.locator('a.tel[href^="tel:+1"]').count() >= 1, 'the entry\'s numbers');
        assert.ok(await sorry.locator('.safety').isVisible(), 'the safety note beside them');
        if (javaScriptEnabled) {
          assert.equal(new URL(page.url()).hash, `#${FAQ_ID}`, 'no navigation');
          assert.equal(await sorry.evaluate((node) => node === document.activeElement), true,
            'focus moves to the answer');
          await assertCleanPage(assert, page, 'feedback no');
        } else {
          assert.equal(new URL(page.url()).hash, `#${scope}-feedback-sorry`);
        }
        if (javaScriptEnabled) {
          // axe runs in the page: with JavaScript off it is run on the :target state below.
          await assertNoViolations(page, 'the numbers after a no');
        }
        await screenshot(page, `feedback-no-${javaScriptEnabled ? 'js' : 'nojs'}`, { fullPage: false });
      } finally {
        await context.close();
      }
    });

    it(`the results page has the question too, ${label}`, async () => {
      const { context, page } = await openPage(browser, { javaScriptEnabled });
      try {
        await page.goto(url('/search?q=lost+card'));
        await page.locator('#search-feedback').getByRole('button', { name: 'Yes' }).click();
        await page.locator('#search-feedback-thanks').waitFor({ state: 'visible' });
        const address = new URL(page.url());
        assert.equal(address.searchParams.get('q'), 'lost card', 'back on the same results');
      } finally {
        await context.close();
      }
    });
  }

  it('the thank-you states as reached by address (:target) have no axe violations', async () => {
    for (const target of [`/faq#faq-${FAQ_ID}-feedback-sorry`, `${ARTICLE}#article-feedback-thanks`]) {
      const { context, page } = await openPage(browser);
      try {
        await page.goto(url(target));
        const id = target.split('#')[1];
        await page.locator(`#${id}`).waitFor({ state: 'visible' });
        await assertNoViolations(page, target);
      } finally {
        await context.close();
      }
    }
  });

  it('the open "no" form has no axe violations, light and dark', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const { context, page } = await openPage(browser, { colorScheme });
      try {
        await page.goto(url(ARTICLE));
        await page.locator('#article-feedback summary').click();
        await page.locator('#article-feedback textarea').waitFor({ state: 'visible' });
        await assertNoViolations(page, `open form, ${colorScheme}`);
      } finally {
        await context.close();
      }
    }
  });
});
