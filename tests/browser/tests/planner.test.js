// The call planner and the numbers offline: the form with JavaScript off and on, keyboard only;
// call notes kept across a reload and cleared on request; every plan printed on one A4 and one
// Letter page; home, /contact and visited plans available offline through the service worker; and
// after a content change the new version served, online and offline.
'use strict';

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');
const { assertCleanPage, launchBrowser, openPage, url } = require('../lib/harness');

const LOST_ABROAD = '/plan?need=lost-stolen&card=personal&where=abroad';
const REPO = path.resolve(__dirname, '..', '..', '..');

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

/** Pages in a PDF Chromium printed (each page is one `/Type /Page` object). */
function pdfPages(buffer) {
  return (buffer.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
}

/** Every full combination, read from the form's radio buttons. */
async function combinations(page) {
  await page.goto(url('/plan'));
  const values = (name) => page.locator(`input[name="${name}"]`).evaluateAll(
    (inputs) => inputs.map((input) => input.value),
  );
  const [needs, cards, places] = [await values('need'), await values('card'), await values('where')];
  return needs.flatMap((need) => cards.flatMap((card) => places.map(
    (place) => `/plan?need=${need}&card=${card}&where=${place}`,
  )));
}

/** Tabs until `predicate` holds for the focused element (at most `limit` presses). */
async function tabUntil(page, predicate, limit = 60) {
  for (let step = 0; step < limit; step += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return true;
  }
  return false;
}

describe('call planner', () => {
  for (const javaScriptEnabled of [false, true]) {
    it(`keyboard only, JavaScript ${javaScriptEnabled ? 'on' : 'off'}: three answers give the plan at its shareable address`, async () => {
      const { context, page } = await openPage(browser, { javaScriptEnabled });
      try {
        await page.goto(url('/plan'));
        assert.ok(await tabUntil(page, () => document.activeElement.name === 'need'), 'reached question 1');
        // Arrow keys move through a radio group and check the button they land on.
        await page.keyboard.press('Space');
        assert.equal(await page.evaluate(() => document.activeElement.value), 'lost-stolen');
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.name), 'card');
        await page.keyboard.press('Space');
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.name), 'where');
        await page.keyboard.press('ArrowDown');
        assert.equal(await page.evaluate(() => document.activeElement.value), 'abroad');
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'plan-submit');
        await Promise.all([page.waitForURL((u) => u.search !== ''), page.keyboard.press('Enter')]);
        assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, LOST_ABROAD);
        const tels = await page.locator('#plan-numbers a.tel').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
        assert.equal(tels[0], 'tel:+16234925450', 'the collect line first');
        assert.ok(tels.includes('tel:+18005284800'), 'the lost-card line');
        assert.ok(await page.locator('#plan .safety').isVisible(), 'the safety note');
        // Without JavaScript the notes are plain fields, with nothing to save or clear.
        assert.equal(await page.locator('#notes-actions').isVisible(), javaScriptEnabled);
        await assertCleanPage(assert, page, 'plan');
      } finally {
        await context.close();
      }
    });
  }

  for (const javaScriptEnabled of [false, true]) {
    it(`a situation searched links its plan, JavaScript ${javaScriptEnabled ? 'on' : 'off'}: the answers it names checked, the rest left to the visitor`, async () => {
      const { context, page } = await openPage(browser, { javaScriptEnabled });
      try {
        await page.goto(url('/search?q=my+card+was+stolen+in+Lisbon'));
        const link = page.locator('#search-plan-link');
        assert.ok(await link.isVisible(), 'the planner link');
        assert.equal(await link.textContent(), 'Plan this call');
        const [response] = await Promise.all([
          page.waitForNavigation(),
          link.click(),
        ]);
        assert.equal(response.status(), 200);
        assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/plan?need=lost-stolen&where=abroad');
        assert.ok(await page.locator('input[name="need"][value="lost-stolen"]').isChecked());
        assert.ok(await page.locator('input[name="where"][value="abroad"]').isChecked());
        assert.equal(await page.locator('input[name="card"]:checked').count(), 0, 'the card is left to the visitor');
        await page.locator('input[name="card"][value="personal"]').check();
        await Promise.all([page.waitForURL((u) => u.search.includes('card=')), page.locator('#plan-submit').click()]);
        assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, LOST_ABROAD);
        const tels = await page.locator('#plan-numbers a.tel').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
        assert.equal(tels[0], 'tel:+16234925450', 'the collect line first');
        await assertCleanPage(assert, page, 'plan from search');
      } finally {
        await context.close();
      }
    });
  }

  it('an unanswered question stops the form in the browser, no request sent', async () => {
    const { context, page } = await openPage(browser, { javaScriptEnabled: false });
    try {
      await page.goto(url('/plan'));
      await page.locator('input[name="need"][value="fraud"]').check();
      await page.locator('#plan-submit').click();
      assert.equal(new URL(page.url()).search, '', 'still on the empty form');
      assert.equal(await page.evaluate(() => document.querySelector('input[name="card"]').validity.valid), false);
    } finally {
      await context.close();
    }
  });

  it('notes are kept across a reload, only in this browser, and cleared on request', async () => {
    const { context, page } = await openPage(browser);
    const sent = [];
    page.on('request', (request) => sent.push(request.url() + ' ' + (request.postData() || '')));
    try {
      await page.goto(url(LOST_ABROAD));
      await page.locator('#note-name').fill('Jordan');
      await page.locator('#note-reference').fill('CASE-12345');
      await page.locator('#note-agreed').fill('New card by Friday');
      await page.reload();
      assert.equal(await page.locator('#note-name').inputValue(), 'Jordan');
      assert.equal(await page.locator('#note-reference').inputValue(), 'CASE-12345');
      assert.equal(await page.locator('#note-agreed').inputValue(), 'New card by Friday');
      assert.ok(!sent.some((line) => line.includes('CASE-12345') || line.includes('Jordan')), 'never sent');
      // Another plan has its own notes.
      await page.goto(url('/plan?need=fraud&card=personal&where=us'));
      assert.equal(await page.locator('#note-name').inputValue(), '');
      await page.goto(url(LOST_ABROAD));
      await page.locator('#notes-clear').click();
      assert.equal(await page.locator('#note-name').inputValue(), '');
      assert.match(await page.locator('#notes-status').innerText(), /cleared/);
      const kept = await page.evaluate(() => Object.keys(window.localStorage).filter((k) => k.startsWith('helpcenter-notes:')));
      assert.deepEqual(kept, []);
      await page.reload();
      assert.equal(await page.locator('#note-reference').inputValue(), '');
    } finally {
      await context.close();
    }
  });

  it('every plan prints on one A4 and one Letter page, black on white, numbers large', async () => {
    const { context, page } = await openPage(browser, { javaScriptEnabled: false });
    try {
      const addresses = await combinations(page);
      assert.ok(addresses.length > 100, `${addresses.length} combinations`);
      const overflowing = [];
      for (const address of addresses) {
        await page.goto(url(address));
        for (const format of ['A4', 'Letter']) {
          const pages = pdfPages(await page.pdf({ format, printBackground: false }));
          if (pages !== 1) overflowing.push(`${address} ${format}: ${pages} pages`);
        }
      }
      assert.deepEqual(overflowing, []);
      await page.goto(url(LOST_ABROAD));
      await page.emulateMedia({ media: 'print' });
      const tel = await page.locator('#plan-numbers a.tel').first().evaluate((a) => {
        const style = getComputedStyle(a);
        return { color: style.color, size: parseFloat(style.fontSize) };
      });
      assert.equal(tel.color, 'rgb(0, 0, 0)');
      assert.ok(tel.size >= 20, `numbers large in print (${tel.size}px)`);
      assert.equal(await page.locator('#plan-form').isVisible(), false, 'the form is not printed');
      assert.equal(await page.locator('#note-name').isVisible(), true, 'the notes print as lines to fill in');
    } finally {
      await context.close();
    }
  });
});

/** A free loopback port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The content version a server reports. */
async function contentVersion(base) {
  const response = await fetch(`${base}/healthz`);
  return (await response.json()).content_version;
}

/** Polls `check` until it is true (or fails after `ms`). */
async function eventually(check, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Waits until a service worker controls the page and has filled its cache. */
async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await eventually(() => page.evaluate(() => navigator.serviceWorker.controller !== null), 10_000, 'a controlling worker');
}

describe('offline', () => {
  it('home, /contact and a visited plan keep their numbers offline', async () => {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(url('/'));
      await controlled(page);
      await page.goto(url('/contact'));
      await page.goto(url(LOST_ABROAD));
      await context.setOffline(true);
      for (const address of ['/', '/contact', LOST_ABROAD]) {
        await page.goto(url(address));
        const tels = await page.locator('a.tel').count();
        assert.ok(tels > 0, `${address}: numbers offline (${tels})`);
        assert.ok(await page.locator('.safety').first().isVisible(), `${address}: safety note`);
      }
      await page.reload();
      assert.ok(await page.locator('#plan-numbers a.tel').count() > 0, 'a reload offline keeps the plan');
      // A page never visited falls back to the directory rather than an error.
      await page.goto(url('/faq'));
      assert.ok(await page.locator('a.tel').count() > 0, 'the directory instead of an error');
    } finally {
      await context.setOffline(false);
      await context.close();
    }
  });

  it('after a content change the new version is served, online and then offline', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpcenter-sw-'));
    fs.cpSync(path.join(REPO, 'content'), dir, { recursive: true });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const binary = path.join(process.env.CARGO_TARGET_DIR || path.join(REPO, 'target'), 'debug', 'helpcenter');
    const server = spawn(binary, ['--addr', `127.0.0.1:${port}`, '--content', dir, '--watch', '--database', 'off'], {
      env: { ...process.env, HELPCENTER_LOG: 'warn' },
      stdio: 'ignore',
    });
    const { context, page } = await openPage(browser);
    try {
      await eventually(() => fetch(`${base}/healthz`).then((r) => r.ok, () => false), 20_000, 'the server');
      await page.goto(`${base}/contact`);
      await controlled(page);
      const before = await page.evaluate(() => caches.keys());
      assert.equal(before.length, 1);
      const title = page.locator('#card-directory-lost-stolen');
      assert.equal(await title.innerText(), 'Report a lost or stolen card');

      const contacts = path.join(dir, 'contacts.toml');
      fs.writeFileSync(contacts, fs.readFileSync(contacts, 'utf8').replace(
        'purpose = "Report a lost or stolen card"', 'purpose = "Report a lost or stolen card right away"',
      ));
      await eventually(async () => (await contentVersion(base)) === 2, 20_000, 'the reload');

      await page.reload();
      assert.equal(await title.innerText(), 'Report a lost or stolen card right away', 'online: the new version');
      // The new worker replaces the old one and its cache.
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
      await eventually(async () => {
        const names = await page.evaluate(() => caches.keys());
        return names.length === 1 && names[0] !== before[0];
      }, 15_000, 'the old cache to be replaced');
      await page.reload();
      await context.setOffline(true);
      await page.reload();
      assert.equal(await title.innerText(), 'Report a lost or stolen card right away', 'offline: the new version');
    } finally {
      await context.setOffline(false);
      await context.close();
      server.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
