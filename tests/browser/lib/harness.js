// Shared set-up for the browser suite: the server under test, Debian's Chromium, the page list,
// and the checks every test file uses (console errors, CSP violations, focus visibility).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

/** Where the server under test listens; run.sh starts it and sets this. */
const BASE_URL = (process.env.BASE_URL || '').replace(/\/+$/, '');
if (!BASE_URL) {
  throw new Error('BASE_URL is not set: run the suite with tests/browser/run.sh');
}

/** Debian's Chromium; never a downloaded browser build. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Full-page screenshots for people to look at (git-ignored). */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ||
  path.resolve(__dirname, '..', '..', '..', 'screenshots');

const DESKTOP = { width: 1280, height: 800 };
const MOBILE = { width: 360, height: 740 };

/**
 * One page of each type the site has. `status` is the HTTP status the page answers with;
 * `expectedConsole` lists console errors the page is allowed (the 404 page's own resource error).
 */
const PAGES = [
  { name: 'home', path: '/', status: 200 },
  { name: 'category', path: '/categories/reaching-a-person', status: 200 },
  { name: 'article', path: '/articles/talk-to-a-live-person', status: 200 },
  { name: 'faq', path: '/faq', status: 200 },
  { name: 'contact', path: '/contact', status: 200 },
  { name: 'plan', path: '/plan', status: 200 },
  { name: 'plan-answer', path: '/plan?need=lost-stolen&card=personal&where=abroad', status: 200 },
  { name: 'search-empty', path: '/search', status: 200 },
  { name: 'search-results', path: '/search?q=lost+card', status: 200 },
  { name: 'search-no-results', path: '/search?q=zzqqxx', status: 200 },
  {
    name: 'not-found',
    path: '/no-such-page',
    status: 404,
    expectedConsole: [/^Failed to load resource: the server responded with a status of 404 \(Not Found\)$/],
  },
];

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts Debian's headless Chromium. */
function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/** The absolute URL of a site path. */
function url(pathAndQuery) {
  return BASE_URL + pathAndQuery;
}

/** The path, query and fragment of an absolute URL on the site under test. */
function sitePath(absolute) {
  const parsed = new URL(absolute);
  return parsed.pathname + parsed.search + parsed.hash;
}

/**
 * Records CSP violations inside the page (they are DOM events, not console messages) from the very
 * first script that runs, in every document the page loads.
 */
const CSP_RECORDER = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', function (event) {
    window.__cspViolations.push({
      directive: event.violatedDirective,
      blocked: event.blockedURI,
      source: event.sourceFile + ':' + event.lineNumber,
      sample: event.sample,
    });
  });
`;

/**
 * A new browser context with the CSP recorder installed, and a page in it whose console errors,
 * uncaught exceptions and failed requests are collected in `page.problems`.
 */
async function openPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: DESKTOP,
    colorScheme: 'light',
    reducedMotion: 'reduce',
    ...options,
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  await context.addInitScript(CSP_RECORDER);
  const page = await context.newPage();
  const problems = { console: [], pageErrors: [], failedRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.console.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  page.on('requestfailed', (request) => {
    const failure = request.failure();
    const reason = failure ? failure.errorText : 'failed';
    // A navigation that replaces the page cancels what the old page was still fetching.
    if (reason !== 'net::ERR_ABORTED') {
      problems.failedRequests.push(`${request.method()} ${request.url()}: ${reason}`);
    }
  });
  page.problems = problems;
  return { context, page };
}

/** CSP violations the page's current document has recorded. */
async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations || []);
}

/**
 * Asserts the page logged no console error (other than the allowed ones), threw nothing, had no
 * failed request and no CSP violation.
 */
async function assertCleanPage(assert, page, label, allowedConsole = []) {
  const unexpected = page.problems.console.filter(
    (text) => !allowedConsole.some((pattern) => pattern.test(text)),
  );
  assert.deepEqual(unexpected, [], `${label}: console errors`);
  assert.deepEqual(page.problems.pageErrors, [], `${label}: uncaught exceptions`);
  assert.deepEqual(page.problems.failedRequests, [], `${label}: failed requests`);
  assert.deepEqual(await cspViolations(page), [], `${label}: CSP violations`);
}

/**
 * Describes the focused element and whether a focus indicator is drawn for it: an outline or a
 * box-shadow on the element itself or on one of its three nearest ancestors (a card may draw the ring
 * round a link inside it with :has(:focus-visible)).
 */
async function focusState(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body || element === document.documentElement) {
      return { lost: true, description: element ? element.tagName.toLowerCase() : 'none' };
    }
    const describe = (node) => {
      let text = node.tagName.toLowerCase();
      if (node.id) text += '#' + node.id;
      if (node.getAttribute('href')) text += `[href="${node.getAttribute('href')}"]`;
      return text;
    };
    const indicator = (node) => {
      const style = getComputedStyle(node);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      const shadow = style.boxShadow && style.boxShadow !== 'none';
      return outline || shadow;
    };
    let visibleRing = false;
    let node = element;
    for (let depth = 0; node && node !== document.body && depth < 4; depth += 1) {
      if (indicator(node)) {
        visibleRing = true;
        break;
      }
      node = node.parentElement;
    }
    const rect = element.getBoundingClientRect();
    const inViewport = rect.width > 0 && rect.height > 0 &&
      rect.bottom > 0 && rect.right > 0 &&
      rect.top < window.innerHeight && rect.left < window.innerWidth;
    return {
      lost: false,
      description: describe(element),
      visibleRing,
      inViewport,
      focusVisible: element.matches(':focus-visible'),
    };
  });
}

/** The selector and visibility test for what a Tab key can reach, run inside the page. */
const TABBABLE_SCRIPT = `
  window.__tabbables = function () {
    const candidates = document.querySelectorAll(
      'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), ' +
      'select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), ' +
      'details > summary');
    return Array.from(candidates).filter(function (element) {
      // The content of a closed <details> is not reachable by Tab; its summary is.
      const closed = element.closest('details:not([open])');
      if (closed && element !== closed.querySelector(':scope > summary')) return false;
      // Tab enters a group of radio buttons once: at its checked button, or its first.
      if (element.matches('input[type="radio"]') && element.name) {
        const group = Array.from(document.querySelectorAll('input[type="radio"]'))
          .filter(function (radio) { return radio.name === element.name && radio.form === element.form; });
        const checked = group.find(function (radio) { return radio.checked; });
        if (element !== (checked || group[0])) return false;
      }
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.display === 'none') return false;
      const rect = element.getBoundingClientRect();
      return rect.width > 0 || rect.height > 0;
    });
  };
`;

/** How many elements a Tab key can reach on the page. */
async function tabbableCount(page) {
  await page.evaluate(TABBABLE_SCRIPT);
  return page.evaluate(() => window.__tabbables().length);
}

/** Whether focus is on the first element a Tab can reach after the start of <main>. */
async function focusIsFirstAfterMain(page) {
  await page.evaluate(TABBABLE_SCRIPT);
  return page.evaluate(() => {
    const main = document.getElementById('main');
    const first = window.__tabbables().find((element) =>
      main.contains(element) || (main.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING));
    return first === document.activeElement;
  });
}

/** Remembers the focused element; answers how many distinct elements have been focused so far. */
async function recordFocus(page) {
  return page.evaluate(() => {
    window.__focused = window.__focused || new Set();
    window.__focused.add(document.activeElement);
    return window.__focused.size;
  });
}

/** Writes a screenshot (full page unless told otherwise) to the screenshots folder. */
async function screenshot(page, name, { fullPage = true } = {}) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage, animations: 'disabled' });
  return file;
}

module.exports = {
  BASE_URL,
  DESKTOP,
  MOBILE,
  PAGES,
  SCREENSHOT_DIR,
  assertCleanPage,
  cspViolations,
  focusIsFirstAfterMain,
  focusState,
  launchBrowser,
  openPage,
  recordFocus,
  screenshot,
  sitePath,
  tabbableCount,
  url,
};
