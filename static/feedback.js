/* Amex Help Guide: "was this helpful?" and search analytics, as progressive enhancement. Without
 * this file the feedback forms post and come back to the page's thank-you (CSS :target), and
 * nothing else is sent.
 *
 * - Feedback forms (`.feedback`): sent with fetch, the thank-you (or, after a "no", the numbers
 *   for the page) shown without a reload; 429 and 503 answers said in words.
 * - When a feedback form comes into view: one small POST to `/api/event` (event=view), whose
 *   answer says whether feedback can be taken now; if not, the form is replaced by a note.
 * - Results opened from `/search`: a beacon (`navigator.sendBeacon`) with the query, the address
 *   and the position. The link itself is followed as usual: never a redirect through the server.
 *
 * Nothing identifies the visitor: no cookies, no ids, no storage. Plain ES2019, strict CSP.
 */
(function () {
  'use strict';

  var EVENT_URL = '/api/event';
  var UNAVAILABLE = 'Answers cannot be recorded right now. The pages and numbers work as usual; if you need a person, call the number on the back of your card.';

  /** Sends fields to the event endpoint without waiting and without delaying navigation. */
  function beacon(fields) {
    if (!navigator.sendBeacon || typeof URLSearchParams !== 'function') {
      return;
    }
    var data = new URLSearchParams();
    Object.keys(fields).forEach(function (name) {
      data.set(name, String(fields[name]));
    });
    try {
      navigator.sendBeacon(EVENT_URL, data);
    } catch (error) {
      /* analytics never break the page */
    }
  }

  function say(section, text) {
    var status = section.querySelector('.feedback-status');
    if (status) {
      status.textContent = text;
    }
  }

  function unavailable(section) {
    section.classList.add('is-answered');
    say(section, UNAVAILABLE);
  }

  /** Shows the thank-you (`thanks`) or the numbers for the page (`sorry`), and moves focus there. */
  function showDone(section, which) {
    var notes = section.querySelectorAll('.feedback-done');
    for (var i = 0; i < notes.length; i += 1) {
      if (notes[i].id && notes[i].id.slice(-which.length - 1) === '-' + which) {
        section.classList.add('is-answered');
        notes[i].classList.add('is-shown');
        notes[i].focus();
        return;
      }
    }
  }

  function send(section, form) {
    var data = new URLSearchParams(new FormData(form));
    var button = form.querySelector('button[name="helpful"]');
    if (button) {
      data.set('helpful', button.value);
    }
    var buttons = form.querySelectorAll('button');
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].disabled = true;
    }
    function enable() {
      for (var j = 0; j < buttons.length; j += 1) {
        buttons[j].disabled = false;
      }
    }
    window.fetch(form.action, {
      method: 'POST',
      body: data,
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    }).then(function (response) {
      enable();
      if (response.ok) {
        showDone(section, data.get('helpful') === 'yes' ? 'thanks' : 'sorry');
      } else if (response.status === 429) {
        say(section, 'Too many answers were sent from your connection just now. Please try again in a minute.');
      } else if (response.status === 503) {
        unavailable(section);
      } else {
        say(section, 'Your answer could not be sent. Please try again.');
      }
    }).catch(function () {
      enable();
      say(section, 'Your answer could not be sent: there seems to be no connection. Please try again later.');
    });
  }

  /** Counts a view of the form once, and learns whether answers can be taken now. */
  function reportView(section) {
    var data = new URLSearchParams();
    data.set('event', 'view');
    data.set('page', section.getAttribute('data-feedback-page') || '');
    window.fetch(EVENT_URL, {
      method: 'POST',
      body: data,
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (answer && answer.available === false && !section.classList.contains('is-answered')) {
        unavailable(section);
      }
    }).catch(function () {
      /* the form still posts; a failure is said then */
    });
  }

  function enhanceFeedback() {
    var sections = document.querySelectorAll('.feedback[data-feedback-page]');
    if (!sections.length) {
      return;
    }
    var observer = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            observer.unobserve(entry.target);
            reportView(entry.target);
          }
        });
      })
      : null;
    Array.prototype.forEach.call(sections, function (section) {
      var forms = section.querySelectorAll('form.feedback-form');
      Array.prototype.forEach.call(forms, function (form) {
        form.addEventListener('submit', function (event) {
          event.preventDefault();
          send(section, form);
        });
      });
      if (observer) {
        observer.observe(section);
      }
    });
  }

  /** Reports which result of `/search` was opened (the link is followed as usual). */
  function enhanceResults() {
    var list = document.getElementById('results');
    if (!list) {
      return;
    }
    var query = list.getAttribute('data-query') || '';
    var first = parseInt(list.getAttribute('start'), 10) || 1;
    list.addEventListener('click', function (event) {
      var link = event.target && event.target.closest ? event.target.closest('.result-title a') : null;
      if (!link || !query) {
        return;
      }
      var items = list.querySelectorAll('.result-title a');
      var position = Array.prototype.indexOf.call(items, link);
      var url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin) {
        return;
      }
      beacon({
        event: 'click',
        from: 'page',
        q: query,
        url: url.pathname + url.search + url.hash,
        position: position < 0 ? '' : first + position
      });
    });
  }

  function start() {
    if (typeof window.fetch !== 'function' || typeof URLSearchParams !== 'function' || typeof FormData !== 'function') {
      return;
    }
    try {
      enhanceFeedback();
    } catch (error) {
      /* the plain forms still work */
    }
    try {
      enhanceResults();
    } catch (error) {
      /* links work as usual */
    }
  }

  window.helpcenterBeacon = beacon;

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
