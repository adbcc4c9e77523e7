// The editors' dashboard in a real browser: without a session every admin page leads to the login
// (303) and exports answer 401; a wrong token is refused; the right one opens the dashboard (charts,
// tables, period links and the from–to form), which has no console error, CSP violation or axe
// violation in light and dark; logging out ends the session; everything works without JavaScript.
// run.sh starts the server with HELPCENTER_ADMIN_TOKEN set and passes it here. Three login posts in
// all: under the limit of five per client and minute.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const AxeBuilder = require('@axe-core/playwright').default;
const {
  DESKTOP, MOBILE, assertCleanPage, launchBrowser, openPage, screenshot, sitePath, url,
} = require('../lib/harness');

const TOKEN = process.env.HELPCENTER_ADMIN_TOKEN;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];

let browser;
/** A signed-in browser state (the session cookie), made once by the first login. */
let signedIn;

before(async () => {
  assert.ok(TOKEN, 'HELPCENTER_ADMIN_TOKEN is set by run.sh');
  browser = await launchBrowser();
});
after(async () => { await browser.close(); });

function describeViolations(violations) {
  return violations.flatMap((violation) => violation.nodes.map((node) =>
    `${violation.id} (${violation.impact}): ${node.target.join(' ')} — ${node.failureSummary.replace(/\s+/g, ' ')}`));
}

async function logIn(page, token) {
  await page.goto(url('/admin/login'));
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForLoadState('load');
}

describe('editors\' dashboard', () => {
  it('without a session: pages lead to the login, exports answer 401', async () => {
    const { context, page } = await openPage(browser);
    try {
      const direct = await page.request.get(url('/admin'), { maxRedirects: 0 });
      assert.equal(direct.status(), 303);
      assert.equal(direct.headers().location, '/admin/login');
      assert.equal(direct.headers()['cache-control'], 'no-store');
      const csv = await page.request.get(url('/admin/export/top-queries.csv'), { maxRedirects: 0 });
      assert.equal(csv.status(), 401);
      await page.goto(url('/admin?period=7'));
      assert.equal(sitePath(page.url()), '/admin/login');
      assert.equal(await page.locator('meta[name="robots"]').getAttribute('content'), 'noindex');
      await assertCleanPage(assert, page, 'login page');
    } finally {
      await context.close();
    }
  });

  it('a wrong token is refused with a message', async () => {
    const { context, page } = await openPage(browser);
    try {
      await logIn(page, `${TOKEN}-wrong`);
      assert.equal(sitePath(page.url()), '/admin/login');
      assert.equal(await page.locator('#login-message').innerText(), 'That is not the admin token.');
      const cookies = await context.cookies();
      assert.deepEqual(cookies.filter((cookie) => cookie.name === 'helpcenter_admin'), []);
    } finally {
      await context.close();
    }
  });

  it('the right token opens the dashboard; periods, exports and logout work', async () => {
    const { context, page } = await openPage(browser);
    try {
      await logIn(page, TOKEN);
      assert.equal(sitePath(page.url()), '/admin');
      assert.equal(await page.locator('h1').innerText(), 'Editors\' dashboard');
      const [cookie] = (await context.cookies()).filter((c) => c.name === 'helpcenter_admin');
      assert.ok(cookie, 'session cookie');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.equal(cookie.path, '/admin');
      assert.ok(cookie.expires > Date.now() / 1000, 'an expiry');
      assert.equal(await page.evaluate(() => document.cookie.includes('helpcenter_admin')), false,
        'HttpOnly: scripts cannot read it');
      signedIn = await context.storageState();
      assert.equal(await page.locator('#chart-searches svg').count(), 1);
      assert.equal(await page.locator('#chart-shares svg').count(), 1);
      assert.equal(await page.locator('#period-30').getAttribute('aria-current'), 'page');
      for (const name of ['searches-per-day', 'top-queries', 'zero-result-queries', 'no-click-queries',
        'unknown-numbers', 'pages', 'reasons', 'comments']) {
        assert.equal(await page.locator(`#table-${name} h2`).count(), 1, name);
      }
      await screenshot(page, 'admin-dashboard');
      await assertCleanPage(assert, page, 'dashboard');

      await page.locator('#period-7').click();
      await page.waitForLoadState('load');
      assert.equal(sitePath(page.url()), '/admin?period=7');
      assert.equal(await page.locator('#period-7').getAttribute('aria-current'), 'page');

      await page.locator('#period-from').fill('2026-01-01');
      await page.locator('#period-to').fill('2026-01-31');
      await page.locator('#period-submit').click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('#period-dates').innerText(), '2026-01-01 to 2026-01-31');

      const csvUrl = await page.locator('#csv-top-queries').getAttribute('href');
      const csv = await context.request.get(url(csvUrl));
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()['content-type'], /^text\/csv/);
      assert.match(await csv.text(), /^query,searches\r\n/);

      await page.locator('#logout').click();
      await page.waitForLoadState('load');
      assert.equal(sitePath(page.url()), '/admin/login');
      assert.deepEqual((await context.cookies()).filter((c) => c.name === 'helpcenter_admin'), []);
      await page.goto(url('/admin'));
      assert.equal(sitePath(page.url()), '/admin/login', 'logged out: back to the login');
    } finally {
      await context.close();
    }
  });

  for (const colorScheme of ['light', 'dark']) {
    for (const [width, viewport, mobile] of [['desktop', DESKTOP, false], ['mobile', MOBILE, true]]) {
      it(`login and dashboard, ${colorScheme}, ${width}: no axe violations`, async () => {
        assert.ok(signedIn, 'the login test ran first');
        for (const [path, state] of [['/admin/login', undefined], ['/admin?period=90', signedIn]]) {
          const { context, page } = await openPage(browser, {
            viewport, colorScheme, isMobile: mobile, hasTouch: mobile, storageState: state,
          });
          try {
            await page.goto(url(path));
            assert.equal(sitePath(page.url()), path);
            const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
            assert.deepEqual(describeViolations(results.violations), [], path);
            await assertCleanPage(assert, page, path);
          } finally {
            await context.close();
          }
        }
      });
    }
  }

  it('without JavaScript: log in, read the dashboard, log out', async () => {
    const { context, page } = await openPage(browser, { javaScriptEnabled: false });
    try {
      await logIn(page, TOKEN);
      assert.equal(sitePath(page.url()), '/admin');
      assert.ok(await page.locator('#total-searches').isVisible());
      assert.ok(await page.locator('#status-dropped').isVisible());
      await page.locator('#period-90').click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('#period-90').getAttribute('aria-current'), 'page');
      await page.locator('#logout').click();
      await page.waitForLoadState('load');
      assert.equal(sitePath(page.url()), '/admin/login');
    } finally {
      await context.close();
    }
  });
});
