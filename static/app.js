/* Amex Help Guide: progressive enhancement only. Everything works without this file.
 *
 * - Typeahead: turns each search box (`.combobox` > `#search-input`) into a WAI-ARIA 1.2 combobox
 *   with list autocomplete, fed by `/api/suggest?q=`.
 * - Wide tables in article bodies that scroll sideways get made keyboard-focusable.
 * - Call notes on a plan (`#notes-fields`): kept in this browser's localStorage under the plan's
 *   address, never sent anywhere; print and clear buttons.
 * - Registers the service worker (`/sw.js`) that keeps the numbers available offline.
 * - A picked suggestion is reported with feedback.js's beacon (query, address, position).
 *
 * Plain ES2019, no dependencies. Obeys a strict CSP: no inline styles (classes and `hidden` only),
 * no eval, no innerHTML (nodes are built with textContent).
 */
(function () {
  'use strict';

  var SUGGEST_URL = '/api/suggest';
  var MIN_CHARS = 2;
  var DEBOUNCE_MS = 150;
  var BLUR_CLOSE_MS = 150;
  var MAX_SUGGESTIONS = 8;
  var KIND_LABELS = {
    article: 'Article',
    section: 'Section',
    faq: 'FAQ',
    contact: 'Contact',
    number: 'Number check'
  };

  var comboboxCount = 0;

  /** A same-origin URL to navigate to, or null for anything else (javascript:, other hosts...). */
  function safeUrl(url) {
    if (typeof url !== 'string' || url === '') {
      return null;
    }
    try {
      var resolved = new URL(url, window.location.href);
      if (resolved.origin !== window.location.origin) {
        return null;
      }
      return resolved.href;
    } catch (error) {
      return null;
    }
  }

  /** Keeps only well-formed suggestions from whatever the server answered. */
  function normalise(data) {
    var list = data;
    if (list && !Array.isArray(list) && typeof list === 'object') {
      list = Array.isArray(list.suggestions) ? list.suggestions : list.results;
    }
    if (!Array.isArray(list)) {
      return [];
    }
    var items = [];
    for (var i = 0; i < list.length && items.length < MAX_SUGGESTIONS; i += 1) {
      var entry = list[i];
      if (!entry || typeof entry !== 'object') {
        continue;
      }
      var title = typeof entry.title === 'string' ? entry.title.trim() : '';
      var url = safeUrl(entry.url);
      if (!title || !url) {
        continue;
      }
      var kind = typeof entry.kind === 'string' ? entry.kind.toLowerCase() : '';
      if (!/^[a-z][a-z0-9-]*$/.test(kind)) {
        kind = '';
      }
      items.push({ title: title, url: url, kind: kind });
    }
    return items;
  }

  function removeChildren(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function Combobox(box, input) {
    comboboxCount += 1;
    var suffix = comboboxCount === 1 ? '' : '-' + comboboxCount;

    this.box = box;
    this.input = input;
    this.form = input.form;
    this.idPrefix = 'search-option' + suffix + '-';
    this.items = [];
    this.active = -1;
    this.isOpen = false;
    this.timer = 0;
    this.blurTimer = 0;
    this.controller = null;
    this.requestSeq = 0;
    this.lastQuery = '';

    var listbox = document.createElement('ul');
    listbox.id = 'search-listbox' + suffix;
    listbox.className = 'search-listbox';
    listbox.setAttribute('role', 'listbox');
    listbox.setAttribute('aria-label', 'Suggestions');
    listbox.hidden = true;
    this.listbox = listbox;

    var status = document.createElement('div');
    status.id = 'search-status' + suffix;
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    this.status = status;

    box.appendChild(listbox);
    box.appendChild(status);

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listbox.id);
    input.removeAttribute('aria-activedescendant');

    var self = this;
    input.addEventListener('input', function () { self.onInput(); });
    input.addEventListener('keydown', function (event) { self.onKeyDown(event); });
    input.addEventListener('blur', function () { self.onBlur(); });
    input.addEventListener('focus', function () { self.cancelBlurClose(); });
    input.addEventListener('click', function () { self.reopen(); });

    // Keep focus in the input while an option is pressed, so the click lands.
    listbox.addEventListener('mousedown', function (event) { event.preventDefault(); });
    listbox.addEventListener('click', function (event) { self.onOptionClick(event); });

    document.addEventListener('mousedown', function (event) { self.onOutside(event); });
    document.addEventListener('touchstart', function (event) { self.onOutside(event); }, { passive: true });

    if (this.form) {
      this.form.addEventListener('submit', function () { self.cancelPending(); self.close(); });
    }
    // Coming back through the back/forward cache: start closed.
    window.addEventListener('pageshow', function () { self.cancelPending(); self.close(); });
  }

  Combobox.prototype.query = function () {
    return this.input.value.replace(/\s+/g, ' ').trim();
  };

  Combobox.prototype.announce = function (message) {
    // Re-announce identical text by varying it invisibly.
    if (message && this.status.textContent === message) {
      message += '\u00a0';
    }
    this.status.textContent = message;
  };

  Combobox.prototype.cancelPending = function () {
    if (this.timer) {
      window.clearTimeout(this.timer);
      this.timer = 0;
    }
    if (this.controller) {
      try {
        this.controller.abort();
      } catch (error) {
        /* nothing to do */
      }
      this.controller = null;
    }
    this.requestSeq += 1;
  };

  Combobox.prototype.cancelBlurClose = function () {
    if (this.blurTimer) {
      window.clearTimeout(this.blurTimer);
      this.blurTimer = 0;
    }
  };

  Combobox.prototype.onInput = function () {
    var q = this.query();
    this.cancelPending();
    if (Array.from(q).length < MIN_CHARS) {
      this.items = [];
      this.lastQuery = '';
      this.render();
      this.close();
      this.status.textContent = '';
      return;
    }
    var self = this;
    this.timer = window.setTimeout(function () {
      self.timer = 0;
      self.fetch(q);
    }, DEBOUNCE_MS);
  };

  Combobox.prototype.fetch = function (q) {
    if (this.controller) {
      try {
        this.controller.abort();
      } catch (error) {
        /* nothing to do */
      }
    }
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    this.controller = controller;
    this.requestSeq += 1;
    var seq = this.requestSeq;
    var self = this;
    var options = { headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (controller) {
      options.signal = controller.signal;
    }
    var request;
    try {
      request = window.fetch(SUGGEST_URL + '?q=' + encodeURIComponent(q), options);
    } catch (error) {
      this.close();
      return;
    }
    request
      .then(function (response) {
        if (!response.ok) {
          throw new Error('suggest ' + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        // A newer keystroke, an Escape or a submit has superseded this answer.
        if (seq !== self.requestSeq || self.query() !== q) {
          return;
        }
        self.controller = null;
        self.lastQuery = q;
        self.items = normalise(data);
        self.active = -1;
        self.render();
        if (document.activeElement !== self.input) {
          self.close();
          return;
        }
        if (self.items.length > 0) {
          self.open();
          var count = self.items.length;
          self.announce(count + (count === 1 ? ' suggestion' : ' suggestions') +
            ' available. Use up and down arrows to review.');
        } else {
          self.close();
          self.announce('No suggestions');
        }
      })
      .catch(function () {
        // Aborted, offline, a 4xx/5xx or bad JSON: the plain form still works, so just close.
        if (seq === self.requestSeq) {
          self.controller = null;
          self.items = [];
          self.render();
          self.close();
        }
      });
  };

  Combobox.prototype.render = function () {
    var listbox = this.listbox;
    removeChildren(listbox);
    var prefix = this.idPrefix;
    this.items.forEach(function (item, index) {
      var option = document.createElement('li');
      option.id = prefix + index;
      option.setAttribute('role', 'option');
      option.setAttribute('aria-selected', 'false');
      option.className = item.kind ? 'kind-' + item.kind : 'kind-other';
      option.setAttribute('data-index', String(index));

      var title = document.createElement('span');
      title.className = 'option-title';
      title.textContent = item.title;
      option.appendChild(title);

      var label = KIND_LABELS[item.kind];
      if (label) {
        var kind = document.createElement('span');
        kind.className = 'option-kind';
        // Read as ", Article" after the title.
        var separator = document.createElement('span');
        separator.className = 'visually-hidden';
        separator.textContent = ', ';
        kind.appendChild(separator);
        kind.appendChild(document.createTextNode(label));
        option.appendChild(kind);
      }
      listbox.appendChild(option);
    });
  };

  Combobox.prototype.open = function () {
    if (this.items.length === 0) {
      return;
    }
    this.listbox.hidden = false;
    this.isOpen = true;
    this.input.setAttribute('aria-expanded', 'true');
  };

  Combobox.prototype.close = function () {
    this.setActive(-1);
    this.listbox.hidden = true;
    this.isOpen = false;
    this.input.setAttribute('aria-expanded', 'false');
  };

  Combobox.prototype.reopen = function () {
    if (!this.isOpen && this.items.length > 0 && this.lastQuery !== '' && this.query() === this.lastQuery) {
      this.open();
    }
  };

  Combobox.prototype.setActive = function (index) {
    var options = this.listbox.children;
    if (this.active >= 0 && options[this.active]) {
      options[this.active].setAttribute('aria-selected', 'false');
    }
    this.active = index >= 0 && index < options.length ? index : -1;
    if (this.active >= 0) {
      var option = options[this.active];
      option.setAttribute('aria-selected', 'true');
      this.input.setAttribute('aria-activedescendant', option.id);
      this.scrollIntoList(option);
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  };

  /** Scrolls the list (never the page) so the active option is visible. */
  Combobox.prototype.scrollIntoList = function (option) {
    var list = this.listbox;
    var top = option.offsetTop;
    var bottom = top + option.offsetHeight;
    if (top < list.scrollTop) {
      list.scrollTop = top;
    } else if (bottom > list.scrollTop + list.clientHeight) {
      list.scrollTop = bottom - list.clientHeight;
    }
  };

  Combobox.prototype.move = function (step) {
    var count = this.items.length;
    if (count === 0) {
      return;
    }
    if (!this.isOpen) {
      this.open();
      this.setActive(step > 0 ? 0 : count - 1);
      return;
    }
    var next;
    if (this.active < 0) {
      next = step > 0 ? 0 : count - 1;
    } else {
      next = (this.active + step + count) % count;
    }
    this.setActive(next);
  };

  Combobox.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) {
      return;
    }
    this.cancelPending();
    this.close();
    reportPick(this.query(), item.url, index + 1, this.items.length);
    window.location.assign(item.url);
  };

  /** Tells the server which suggestion was picked for which query (a beacon, sent by feedback.js;
   *  the visit itself goes straight to the page). */
  function reportPick(query, url, position, count) {
    if (typeof window.helpcenterBeacon !== 'function') {
      return;
    }
    var target = new URL(url, window.location.href);
    window.helpcenterBeacon({
      event: 'click',
      from: 'suggest',
      q: query,
      url: target.pathname + target.search + target.hash,
      position: position,
      count: count
    });
  }

  Combobox.prototype.onKeyDown = function (event) {
    if (event.isComposing || event.keyCode === 229 || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    switch (event.key) {
      case 'ArrowDown':
      case 'Down':
        event.preventDefault();
        if (this.items.length > 0 && this.query() === this.lastQuery) {
          this.move(1);
        } else if (Array.from(this.query()).length >= MIN_CHARS) {
          this.cancelPending();
          this.fetch(this.query());
        }
        break;
      case 'ArrowUp':
      case 'Up':
        if (this.items.length > 0 && this.query() === this.lastQuery) {
          event.preventDefault();
          this.move(-1);
        }
        break;
      case 'Enter':
        if (this.isOpen && this.active >= 0) {
          event.preventDefault();
          this.choose(this.active);
        } else {
          // No active option: the form submits normally to the full results page.
          this.cancelPending();
          this.close();
        }
        break;
      case 'Escape':
      case 'Esc':
        if (this.isOpen) {
          event.preventDefault();
          this.cancelPending();
          this.close();
        } else if (this.input.value !== '') {
          event.preventDefault();
          this.cancelPending();
          this.input.value = '';
          this.items = [];
          this.lastQuery = '';
          this.render();
          this.status.textContent = '';
        } else {
          this.cancelPending();
        }
        break;
      case 'Tab':
        this.close();
        break;
      default:
        break;
    }
  };

  Combobox.prototype.onBlur = function () {
    var self = this;
    this.cancelBlurClose();
    this.blurTimer = window.setTimeout(function () {
      self.blurTimer = 0;
      if (document.activeElement !== self.input) {
        self.close();
      }
    }, BLUR_CLOSE_MS);
  };

  Combobox.prototype.onOptionClick = function (event) {
    var target = event.target;
    var option = target && target.closest ? target.closest('[role="option"]') : null;
    if (!option || !this.listbox.contains(option)) {
      return;
    }
    event.preventDefault();
    var index = parseInt(option.getAttribute('data-index'), 10);
    if (!isNaN(index)) {
      this.choose(index);
    }
  };

  Combobox.prototype.onOutside = function (event) {
    if (this.isOpen && event.target instanceof Node && !this.box.contains(event.target)) {
      this.close();
    }
  };

  function enhanceSearch() {
    var boxes = document.querySelectorAll('.combobox');
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      if (box.getAttribute('data-enhanced') === 'true') {
        continue;
      }
      var input = box.querySelector('#search-input') || box.querySelector('input[type="search"]');
      if (!input) {
        continue;
      }
      box.setAttribute('data-enhanced', 'true');
      new Combobox(box, input); // eslint-disable-line no-new
    }
  }

  /** Tables wider than the text column scroll in their own box; let keyboards scroll them too. */
  function enhanceTables() {
    var tables = document.querySelectorAll('.prose table');
    for (var i = 0; i < tables.length; i += 1) {
      var table = tables[i];
      if (table.scrollWidth > table.clientWidth + 1 && !table.hasAttribute('tabindex')) {
        table.setAttribute('tabindex', '0');
        if (!table.hasAttribute('aria-label') && !table.querySelector('caption')) {
          table.setAttribute('aria-label', 'Table (scrolls sideways)');
        }
      }
    }
  }

  var NOTES_PREFIX = 'helpcenter-notes:';

  /** The call notes panel: fields restored from and saved to localStorage, print and clear. */
  function enhanceNotes() {
    var box = document.getElementById('notes-fields');
    var actions = document.getElementById('notes-actions');
    if (!box || !actions || !window.localStorage) {
      return;
    }
    var key = NOTES_PREFIX + (box.getAttribute('data-notes-key') || window.location.pathname);
    var fields = box.querySelectorAll('input, textarea');
    var status = document.getElementById('notes-status');
    var saved = {};
    try {
      saved = JSON.parse(window.localStorage.getItem(key) || '{}') || {};
    } catch (error) {
      saved = {};
    }
    function save() {
      var data = {};
      var any = false;
      for (var i = 0; i < fields.length; i += 1) {
        if (fields[i].value !== '') {
          data[fields[i].name] = fields[i].value;
          any = true;
        }
      }
      try {
        if (any) {
          window.localStorage.setItem(key, JSON.stringify(data));
        } else {
          window.localStorage.removeItem(key);
        }
      } catch (error) {
        /* storage full or disabled: the fields still work for this visit */
      }
    }
    for (var i = 0; i < fields.length; i += 1) {
      if (typeof saved[fields[i].name] === 'string') {
        fields[i].value = saved[fields[i].name];
      }
      fields[i].addEventListener('input', save);
    }
    document.getElementById('notes-print').addEventListener('click', function () {
      window.print();
    });
    document.getElementById('notes-clear').addEventListener('click', function () {
      for (var j = 0; j < fields.length; j += 1) {
        fields[j].value = '';
      }
      save();
      if (status) {
        status.textContent = 'Your notes are cleared.';
      }
    });
    actions.hidden = false;
  }

  function registerServiceWorker() {
    if ('serviceWorker' in navigator && window.isSecureContext) {
      navigator.serviceWorker.register('/sw.js').catch(function () {
        /* the site works the same without it */
      });
    }
  }

  function start() {
    try {
      if (typeof window.fetch === 'function' && typeof window.URL === 'function') {
        enhanceSearch();
      }
    } catch (error) {
      /* Never break the page: the plain form still works. */
    }
    try {
      enhanceTables();
    } catch (error) {
      /* nothing to do */
    }
    try {
      enhanceNotes();
    } catch (error) {
      /* the fields still work; nothing is kept */
    }
    registerServiceWorker();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
