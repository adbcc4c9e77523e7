// axe-core scans of every page type, light and dark, desktop and phone widths, plus the open
// typeahead and the planner's answers: WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices,
// with zero violations.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const AxeBuilder = require('@axe-core/playwright').default;
const {
  DESKTOP, MOBILE, PAGES, launchBrowser, openPage, url,
} = require('../lib/harness');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

/** One line per failing node, so a failure says what to fix. */
function describeViolations(violations) {
  return violations.flatMap((violation) => violation.nodes.map((node) =>
    `${violation.id} (${violation.impact}): ${node.target.join(' ')} — ${node.failureSummary.replace(/\s+/g, ' ')}`));
}

async function scan(page) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return results;
}

const SCANNED = { pages: 0 };

// The planner beyond the form and the lost-abroad plan in PAGES: a combination the data does not
// cover (the general route), a business and a corporate plan, the form with two answers given (a
// search's address), and a results page with the planner link.
const PLANNER_PAGES = [
  { name: 'plan, general route (travel, gift card)', path: '/plan?need=travel&card=gift&where=us' },
  { name: 'plan, business card fraud abroad', path: '/plan?need=fraud&card=business&where=abroad' },
  { name: 'plan, corporate card on hold', path: '/plan?need=blocked-hold&card=corporate&where=us' },
  { name: 'plan form, two answers from a search', path: '/plan?need=lost-stolen&where=abroad' },
  { name: 'search with the planner link', path: '/search?q=my+card+was+stolen+in+Lisbon' },
];

describe('axe-core', () => {
  for (const [width, viewport, mobile] of [['desktop', DESKTOP, false], ['mobile', MOBILE, true]]) {
    for (const colorScheme of ['light', 'dark']) {
      for (const target of PAGES) {
        it(`${target.name}, ${colorScheme}, ${width}: no violations`, async () => {
          const { context, page } = await openPage(browser, {
            viewport, colorScheme, isMobile: mobile, hasTouch: mobile,
          });
          try {
            await page.goto(url(target.path));
            const results = await scan(page);
            SCANNED.pages += 1;
            assert.deepEqual(describeViolations(results.violations), []);
          } finally {
            await context.close();
          }
        });
      }

      it(`planner pages, ${colorScheme}, ${width}: no violations`, async () => {
        const { context, page } = await openPage(browser, {
          viewport, colorScheme, isMobile: mobile, hasTouch: mobile,
        });
        try {
          for (const target of PLANNER_PAGES) {
            const response = await page.goto(url(target.path));
            assert.equal(response.status(), 200, target.name);
            const results = await scan(page);
            SCANNED.pages += 1;
            assert.deepEqual(describeViolations(results.violations), [], target.name);
          }
        } finally {
          await context.close();
        }
      });

      it(`open typeahead with an active option, ${colorScheme}, ${width}: no violations`, async () => {
        const { context, page } = await openPage(browser, {
          viewport, colorScheme, isMobile: mobile, hasTouch: mobile,
        });
        try {
          await page.goto(url('/'));
          const input = page.locator('#search-input');
          await input.click();
          await input.pressSequentially('lost card', { delay: 10 });
          await page.getByRole('listbox', { name: 'Suggestions' }).waitFor({ state: 'visible' });
          await page.keyboard.press('ArrowDown');
          await page.keyboard.press('ArrowDown');
          const results = await scan(page);
          SCANNED.pages += 1;
          assert.deepEqual(describeViolations(results.violations), []);
        } finally {
          await context.close();
        }
      });

      it(`a linked-to section and FAQ (:target styles), ${colorScheme}, ${width}: no violations`, async () => {
        const { context, page } = await openPage(browser, {
          viewport, colorScheme, isMobile: mobile, hasTouch: mobile,
        });
        try {
          for (const target of ['/articles/talk-to-a-live-person#how-to-reach-a-representative', '/faq#talk-to-a-live-person', '/contact#lost-stolen']) {
            await page.goto(url(target));
            const results = await scan(page);
            SCANNED.pages += 1;
            assert.deepEqual(describeViolations(results.violations), [], target);
          }
        } finally {
          await context.close();
        }
      });
    }
  }

  after(() => {
    // Shown in the test output so the README's figures can be checked.
    process.stdout.write(`# axe-core ${require('axe-core/package.json').version}: ${SCANNED.pages} scans, tags ${TAGS.join(',')}\n`);
  });
});
