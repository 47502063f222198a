/*! SocialLearning tip widget. <social-learning-tips context="route:/invoices/new" skills="invoicing"></social-learning-tips>
 * No inline script or style, no eval, no postMessage: it works under `Content-Security-Policy: default-src 'self'`.
 * Plain text is always set with textContent; the only HTML inserted is the body the server rendered and sanitised,
 * filtered once more here against the same narrow allowlist. */
(function () {
  'use strict';

  if (!window.customElements || window.customElements.get('social-learning-tips')) {
    return;
  }

  var script = document.currentScript;
  var scriptUrl = script && script.src ? script.src : null;
  var ALLOWED_TAGS = ['P', 'BR', 'HR', 'STRONG', 'EM', 'B', 'I', 'DEL', 'S', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A',
    'H1', 'H2', 'H3', 'H4', 'H5', 'H6'];
  var ALLOWED_ATTRS = ['href', 'title', 'rel'];
  var SAFE_SCHEMES = ['http:', 'https:', 'mailto:'];
  var FEEDBACK_LABELS = { Helpful: 'Helpful', NotHelpful: 'Not helpful', Saved: 'Save', Dismissed: 'Dismiss' };
  var counter = 0;

  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (key) {
        var value = props[key];
        if (value === undefined || value === null || value === false) { return; }
        if (key === 'text') { node.textContent = String(value); }
        else if (key === 'className') { node.className = value; }
        else if (key === 'hidden') { node.hidden = true; }
        else { node.setAttribute(key, value === true ? '' : String(value)); }
      });
    }
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function safeHref(value) {
    var v = String(value || '').replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
    if (v === '') { return true; }
    try {
      var url = new URL(v, document.baseURI);
      return SAFE_SCHEMES.indexOf(url.protocol) >= 0;
    } catch (e) {
      return false;
    }
  }

  /* Second wall: the server already sanitised this HTML; keep only the same narrow allowlist before inserting it. */
  function sanitizedFragment(html) {
    var template = document.createElement('template');
    template.innerHTML = String(html || '');
    var walk = function (parent) {
      Array.prototype.slice.call(parent.childNodes).forEach(function (node) {
        if (node.nodeType === 3) { return; }
        if (node.nodeType !== 1 || ALLOWED_TAGS.indexOf(node.tagName) < 0) {
          if (node.nodeType === 1 && ['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH'].indexOf(node.tagName.toUpperCase()) < 0) {
            parent.replaceChild(document.createTextNode(node.textContent || ''), node);
          } else {
            parent.removeChild(node);
          }
          return;
        }
        Array.prototype.slice.call(node.attributes).forEach(function (attr) {
          var name = attr.name.toLowerCase();
          if (ALLOWED_ATTRS.indexOf(name) < 0 || (name === 'href' && !safeHref(attr.value))) {
            node.removeAttribute(attr.name);
          }
        });
        if (node.tagName === 'A') { node.setAttribute('rel', 'noopener noreferrer nofollow ugc'); }
        walk(node);
      });
    };
    walk(template.content);
    return template.content;
  }

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function splitList(value) {
    return String(value || '').split(/\s+/).filter(function (s) { return s.length > 0; });
  }

  /* What a worker typed in the share form's skills field: comma separated, each an id, a name or an alias ("sales tax"). */
  function splitSkillEntries(value) {
    return String(value || '').split(',').map(function (s) { return s.trim(); }).filter(function (s) { return s.length > 0; });
  }

  function ApiError(message, status, problem) {
    this.message = message;
    this.status = status;
    this.problem = problem;
  }

  class SocialLearningTips extends HTMLElement {
    static get observedAttributes() { return ['context', 'skills', 'k', 'endpoint', 'heading']; }

    constructor() {
      super();
      this._id = ++counter;
      this._root = this.attachShadow({ mode: 'open' });
      this._built = false;
      this._loadToken = 0;
      this._suggestToken = 0;
      this._suggestTimer = 0;
      this._onOnline = this._onOnline.bind(this);
      this._onOffline = this._onOffline.bind(this);
    }

    connectedCallback() {
      if (!this._built) { this._build(); }
      window.addEventListener('online', this._onOnline);
      window.addEventListener('offline', this._onOffline);
      this.load();
    }

    disconnectedCallback() {
      window.removeEventListener('online', this._onOnline);
      window.removeEventListener('offline', this._onOffline);
    }

    attributeChangedCallback(name, oldValue, newValue) {
      if (!this._built || oldValue === newValue) { return; }
      if (name === 'heading') { this._heading.textContent = this._headingText(); return; }
      if (name === 'context') { this._contextText.textContent = this._contexts().join(', ') || 'this screen'; }
      if (name === 'skills') { this._skillsInput.value = this._skills().join(', '); }
      this.load();
    }

    get base() {
      var explicit = this.getAttribute('endpoint');
      var url = explicit ? new URL(explicit, document.baseURI) : new URL('../', scriptUrl || document.baseURI);
      var href = url.href;
      return href.charAt(href.length - 1) === '/' ? href : href + '/';
    }

    _contexts() { return splitList(this.getAttribute('context')); }

    /* Skills in use, comma separated, each an id, a name or an alias, as in the share form. */
    _skills() { return splitSkillEntries(this.getAttribute('skills')); }

    _headingText() { return this.getAttribute('heading') || 'Tips for this screen'; }

    _uid(name) { return 'sl' + this._id + '-' + name; }

    _build() {
      this._built = true;
      var root = this._root;
      root.appendChild(el('link', { rel: 'stylesheet', href: new URL('social-learning.css', scriptUrl || (this.base + 'widget/')).href }));

      this._heading = el('h2', { id: this._uid('heading'), className: 'sl-heading', text: this._headingText() });
      this._shareButton = el('button', { type: 'button', className: 'sl-tool', 'aria-expanded': 'false', 'aria-controls': this._uid('share'), text: 'Share a tip here' });
      this._askButton = el('button', { type: 'button', className: 'sl-tool', 'aria-expanded': 'false', 'aria-controls': this._uid('peers'), text: 'Ask a colleague' });
      this._status = el('p', { className: 'sl-status', role: 'status', 'aria-live': 'polite' });
      this._list = el('div', { className: 'sl-list', 'aria-live': 'off' });

      this._form = this._buildShareForm();
      this._peers = el('div', { id: this._uid('peers'), className: 'sl-panel', role: 'region', 'aria-labelledby': this._uid('peers-h'), hidden: true }, [
        el('h3', { id: this._uid('peers-h'), text: 'Colleagues who can help' })
      ]);
      this._peersBody = el('div');
      this._peers.appendChild(this._peersBody);

      var section = el('section', { className: 'sl', 'aria-labelledby': this._uid('heading') }, [
        el('div', { className: 'sl-header' }, [this._heading, el('div', { className: 'sl-tools' }, [this._shareButton, this._askButton])]),
        this._status,
        this._form,
        this._peers,
        this._list
      ]);
      root.appendChild(section);

      var self = this;
      this._shareButton.addEventListener('click', function () { self._togglePanel(self._form, self._shareButton, self._titleInput); });
      this._askButton.addEventListener('click', function () {
        var opening = self._peers.hidden;
        self._togglePanel(self._peers, self._askButton, null);
        if (opening) { self._loadPeers(); }
      });
      section.addEventListener('keydown', function (event) {
        if (event.key !== 'Escape') { return; }
        if (!self._form.hidden) { self._closePanel(self._form, self._shareButton); event.stopPropagation(); }
        else if (!self._peers.hidden) { self._closePanel(self._peers, self._askButton); event.stopPropagation(); }
      });
    }

    _buildShareForm() {
      var self = this;
      this._titleInput = el('input', { id: this._uid('title'), name: 'title', type: 'text', maxlength: '200', required: true, autocomplete: 'off' });
      this._bodyInput = el('textarea', { id: this._uid('body'), name: 'body', rows: '4', maxlength: '20000', required: true, 'aria-describedby': this._uid('body-hint') });
      this._skillsInput = el('input', { id: this._uid('skills'), name: 'skills', type: 'text', autocomplete: 'off', list: this._uid('skills-list'), 'aria-describedby': this._uid('skills-hint') });
      this._skillsInput.value = this._skills().join(', ');
      this._skillsList = el('datalist', { id: this._uid('skills-list') });
      this._skillsInput.addEventListener('input', function () { self._suggestSkills(); });
      this._contextText = el('span', { className: 'sl-context', text: this._contexts().join(', ') || 'this screen' });
      this._formError = el('p', { id: this._uid('form-error'), className: 'sl-error', hidden: true });
      var submit = el('button', { type: 'submit', className: 'sl-primary', text: 'Share tip' });
      var cancel = el('button', { type: 'button', text: 'Cancel' });
      var form = el('form', { id: this._uid('share'), className: 'sl-panel sl-form', 'aria-labelledby': this._uid('share-h'), novalidate: true, hidden: true }, [
        el('h3', { id: this._uid('share-h'), text: 'Share a tip for this screen' }),
        el('label', { for: this._uid('title'), text: 'Title' }), this._titleInput,
        el('label', { for: this._uid('body'), text: 'Tip' }), this._bodyInput,
        el('p', { id: this._uid('body-hint'), className: 'sl-hint', text: 'Markdown works: **bold**, lists, links.' }),
        el('label', { for: this._uid('skills'), text: 'Skills (comma separated)' }), this._skillsInput, this._skillsList,
        el('p', { id: this._uid('skills-hint'), className: 'sl-hint' }, [document.createTextNode('Shown on: '), this._contextText]),
        this._formError,
        el('div', { className: 'sl-form-actions' }, [submit, cancel])
      ]);
      cancel.addEventListener('click', function () { self._closePanel(form, self._shareButton); });
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        self._share(submit);
      });
      return form;
    }

    _togglePanel(panel, button, focusTarget) {
      if (panel.hidden) {
        panel.hidden = false;
        button.setAttribute('aria-expanded', 'true');
        (focusTarget || panel.querySelector('h3')).focus();
      } else {
        this._closePanel(panel, button);
      }
    }

    _closePanel(panel, button) {
      panel.hidden = true;
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    }

    _announce(message) {
      this._status.textContent = '';
      var status = this._status;
      window.setTimeout(function () { status.textContent = message; }, 30);
    }

    _request(method, path, body) {
      var headers = { Accept: 'application/json' };
      var init = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Idempotency-Key'] = newKey();
        init.body = JSON.stringify(body);
      }
      var url = this.base + path;
      var attempt = function (retries) {
        return window.fetch(url, init).catch(function (error) {
          // A network failure of a write is retried once with the same Idempotency-Key, so it is never applied twice.
          if (retries > 0 && navigator.onLine) { return attempt(retries - 1); }
          throw new ApiError(navigator.onLine ? 'The server could not be reached.' : 'You are offline.', 0, null);
        });
      };
      return attempt(body !== undefined ? 1 : 0).then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (!response.ok) {
            var message = (data && (data.detail || data.title)) || ('The server answered ' + response.status + '.');
            throw new ApiError(message, response.status, data);
          }
          return data;
        });
      });
    }

    _setState(kind, message, withRetry) {
      var self = this;
      this._list.replaceChildren();
      this._list.setAttribute('aria-busy', kind === 'loading' ? 'true' : 'false');
      this.setAttribute('state', kind);
      var box = el('div', { className: 'sl-state sl-state-' + kind }, [el('p', { text: message })]);
      if (withRetry) {
        var retry = el('button', { type: 'button', text: 'Try again' });
        retry.addEventListener('click', function () { self.load(); });
        box.appendChild(retry);
      }
      if (kind === 'empty') {
        var share = el('button', { type: 'button', className: 'sl-link', text: 'Share the first tip for this screen' });
        share.addEventListener('click', function () { if (self._form.hidden) { self._togglePanel(self._form, self._shareButton, self._titleInput); } });
        box.appendChild(share);
      }
      this._list.appendChild(box);
    }

    load() {
      var token = ++this._loadToken;
      if (!navigator.onLine) {
        this._setState('offline', 'You are offline. Tips will load when you are back online.', false);
        return Promise.resolve();
      }
      this._setState('loading', 'Loading tips…', false);
      var params = new URLSearchParams();
      this._contexts().forEach(function (c) { params.append('context', c); });
      var skills = this._skills();
      if (skills.length) { params.set('skills', skills.join(',')); }
      params.set('k', this.getAttribute('k') || '5');
      var self = this;
      return this._request('GET', 'tips?' + params.toString()).then(function (data) {
        if (token !== self._loadToken) { return; }
        var items = (data && data.items) || [];
        if (items.length === 0) {
          self._setState('empty', 'No tips for this screen yet.', false);
          return;
        }
        self._renderTips(items);
      }, function (error) {
        if (token !== self._loadToken) { return; }
        if (!navigator.onLine || error.status === 0 && !navigator.onLine) {
          self._setState('offline', 'You are offline. Tips will load when you are back online.', false);
        } else {
          self._setState('error', 'Tips could not be loaded. ' + error.message, true);
        }
      });
    }

    _renderTips(items) {
      var self = this;
      this._list.replaceChildren();
      this._list.setAttribute('aria-busy', 'false');
      this.setAttribute('state', 'ready');
      var list = el('ul', { className: 'sl-tips', role: 'list', 'aria-label': this._headingText() });
      items.forEach(function (tip) { list.appendChild(self._renderTip(tip)); });
      this._list.appendChild(list);
    }

    _renderTip(tip) {
      var self = this;
      var n = ++counter;
      var titleId = 'sl-t' + n;
      var whyId = 'sl-w' + n;
      var content = el('div', { className: 'sl-content' });
      content.appendChild(sanitizedFragment(tip.bodyHtml));
      var helpfulCount = el('span', { className: 'sl-count' });
      var setCount = function (counters) {
        var helpful = counters && typeof counters.helpful === 'number' ? counters.helpful : 0;
        helpfulCount.textContent = helpful === 1 ? '1 colleague found this helpful' : helpful + ' colleagues found this helpful';
      };
      setCount(tip.counters);
      var author = tip.author && tip.author.name ? tip.author.name : 'a colleague';
      var meta = el('p', { className: 'sl-meta' }, [document.createTextNode('Shared by ' + author + ' · '), helpfulCount]);
      var featured = (tip.explanation || []).some(function (signal) { return signal.signal === 'featured'; });
      if (featured) { meta.insertBefore(el('span', { className: 'sl-featured', text: 'Recommended by the learning team' }), meta.firstChild); }

      var mine = tip.mine || {};
      var buttons = {};
      var group = el('div', { className: 'sl-actions', role: 'group', 'aria-label': 'Feedback on: ' + tip.title });
      ['Helpful', 'NotHelpful', 'Saved'].forEach(function (kind) {
        var pressed = kind === 'Saved' ? !!mine.saved : mine.vote === kind;
        var button = el('button', { type: 'button', className: 'sl-feedback', 'data-feedback': kind, 'aria-pressed': pressed ? 'true' : 'false', text: kind === 'Saved' && pressed ? 'Saved' : FEEDBACK_LABELS[kind] });
        buttons[kind] = button;
        group.appendChild(button);
      });
      var dismiss = el('button', { type: 'button', className: 'sl-feedback', 'data-feedback': 'Dismissed', text: 'Dismiss' });
      var why = el('button', { type: 'button', className: 'sl-why-button', 'aria-expanded': 'false', 'aria-controls': whyId, text: 'Why this?' });
      group.appendChild(dismiss);
      group.appendChild(why);

      var reasons = el('ul', { className: 'sl-reasons' });
      (tip.explanation || []).forEach(function (signal) { reasons.appendChild(el('li', { text: signal.text || signal.signal })); });
      if (!reasons.firstChild) { reasons.appendChild(el('li', { text: 'It matches where you are in the app.' })); }
      var whyPanel = el('div', { id: whyId, className: 'sl-why', role: 'region', 'aria-label': 'Why this tip is shown', hidden: true }, [reasons]);

      var article = el('article', { 'aria-labelledby': titleId }, [
        el('h3', { id: titleId, className: 'sl-title', text: tip.title }),
        content,
        meta,
        group,
        whyPanel
      ]);
      var item = el('li', { className: 'sl-tip', 'data-id': tip.id }, [article]);

      why.addEventListener('click', function () {
        var open = whyPanel.hidden;
        whyPanel.hidden = !open;
        why.setAttribute('aria-expanded', open ? 'true' : 'false');
      });

      var send = function (kind, onDone, onFail) {
        self._request('POST', 'contributions/' + encodeURIComponent(tip.id) + '/feedback', { kind: kind }).then(function (result) {
          if (result && result.counters) { setCount(result.counters); }
          onDone();
        }, function (error) {
          onFail();
          self._announce('That did not work: ' + error.message);
        });
      };

      ['Helpful', 'NotHelpful'].forEach(function (kind) {
        buttons[kind].addEventListener('click', function () {
          var other = buttons[kind === 'Helpful' ? 'NotHelpful' : 'Helpful'];
          var before = [buttons[kind].getAttribute('aria-pressed'), other.getAttribute('aria-pressed')];
          buttons[kind].setAttribute('aria-pressed', 'true');
          other.setAttribute('aria-pressed', 'false');
          send(kind, function () {
            self._announce(kind === 'Helpful' ? 'Thanks, marked as helpful.' : 'Thanks, marked as not helpful.');
          }, function () {
            buttons[kind].setAttribute('aria-pressed', before[0]);
            other.setAttribute('aria-pressed', before[1]);
          });
        });
      });
      buttons.Saved.addEventListener('click', function () {
        if (buttons.Saved.getAttribute('aria-pressed') === 'true') { self._announce('Already saved.'); return; }
        buttons.Saved.setAttribute('aria-pressed', 'true');
        buttons.Saved.textContent = 'Saved';
        send('Saved', function () { self._announce('Saved for later.'); }, function () {
          buttons.Saved.setAttribute('aria-pressed', 'false');
          buttons.Saved.textContent = 'Save';
        });
      });
      dismiss.addEventListener('click', function () {
        send('Dismissed', function () {
          var next = item.nextElementSibling || item.previousElementSibling;
          var list = item.parentNode;
          item.remove();
          self._announce('Tip dismissed. You will not see it again.');
          if (next) { var target = next.querySelector('.sl-feedback'); if (target) { target.focus(); } }
          else { self._heading.setAttribute('tabindex', '-1'); self._heading.focus(); }
          if (list && !list.firstChild) { self._setState('empty', 'No more tips for this screen.', false); }
        }, function () { });
      });
      return item;
    }

    _share(submit) {
      var self = this;
      var title = this._titleInput.value.trim();
      var body = this._bodyInput.value.trim();
      [this._titleInput, this._bodyInput, this._skillsInput].forEach(function (input) { input.removeAttribute('aria-invalid'); });
      if (!title || !body) {
        var missing = !title ? this._titleInput : this._bodyInput;
        this._showFormError(missing, !title ? 'Give your tip a title.' : 'Write the tip itself.');
        return;
      }
      this._formError.hidden = true;
      submit.disabled = true;
      this._request('POST', 'contributions', {
        title: title,
        body: body,
        skills: splitSkillEntries(this._skillsInput.value),
        contextKeys: this._contexts()
      }).then(function (created) {
        submit.disabled = false;
        self._form.reset();
        self._skillsInput.value = self._skills().join(', ');
        self._closePanel(self._form, self._shareButton);
        self._announce('Thanks! Your tip is shared with colleagues on this screen.');
        self.dispatchEvent(new CustomEvent('social-learning:shared', { bubbles: true, composed: true, detail: { id: created && created.id } }));
      }, function (error) {
        submit.disabled = false;
        var field = error.problem && error.problem.field;
        var input = field === 'title' ? self._titleInput : field === 'body' ? self._bodyInput : (field && field.indexOf('skills') === 0) ? self._skillsInput : null;
        self._showFormError(input, error.message);
      });
    }

    /* Suggestions for the skill being typed (after the last comma), from GET skills/search: each keeps what was typed
     * before it, so picking one completes the field. A slower, older answer never replaces a newer one. */
    _suggestSkills() {
      var self = this;
      var value = this._skillsInput.value;
      var cut = value.lastIndexOf(',');
      var before = cut < 0 ? '' : value.slice(0, cut + 1) + ' ';
      var typed = value.slice(cut + 1).trim();
      var token = ++this._suggestToken;
      if (typed.length < 2) { this._skillsList.replaceChildren(); return; }
      window.clearTimeout(this._suggestTimer);
      this._suggestTimer = window.setTimeout(function () {
        self._request('GET', 'skills/search?' + new URLSearchParams({ q: typed, limit: '8' }).toString()).then(function (data) {
          if (token !== self._suggestToken) { return; }
          var options = ((data && data.skills) || []).map(function (skill) { return el('option', { value: before + skill.name }); });
          self._skillsList.replaceChildren.apply(self._skillsList, options);
        }, function () { });
      }, 150);
    }

    _showFormError(input, message) {
      this._formError.textContent = message;
      this._formError.hidden = false;
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-errormessage', this._formError.id);
        input.focus();
      }
      this._announce(message);
    }

    _loadPeers() {
      var self = this;
      var body = this._peersBody;
      body.replaceChildren(el('p', { className: 'sl-state', text: 'Finding colleagues…' }));
      body.setAttribute('aria-busy', 'true');
      var params = new URLSearchParams();
      var skills = this._skills();
      if (skills.length) { params.set('skills', skills.join(',')); } else { params.set('q', this._contexts().join(' ') || this._headingText()); }
      params.set('k', '5');
      this._request('GET', 'peers?' + params.toString()).then(function (data) {
        body.setAttribute('aria-busy', 'false');
        var items = (data && data.items) || [];
        if (!items.length) {
          body.replaceChildren(el('p', { className: 'sl-state', text: 'Nobody stands out for this yet. Share a question instead.' }));
          return;
        }
        var list = el('ul', { className: 'sl-peers', role: 'list' });
        items.forEach(function (peer) {
          var why = (peer.explanation || []).map(function (s) { return s.text; }).filter(Boolean).join('; ');
          list.appendChild(el('li', { className: 'sl-peer' }, [
            el('span', { className: 'sl-peer-name', text: peer.displayName || peer.learner }),
            why ? el('span', { className: 'sl-peer-why', text: why }) : null
          ]));
        });
        body.replaceChildren(list);
      }, function (error) {
        body.setAttribute('aria-busy', 'false');
        var retry = el('button', { type: 'button', text: 'Try again' });
        retry.addEventListener('click', function () { self._loadPeers(); });
        body.replaceChildren(el('p', { className: 'sl-error', text: 'Colleagues could not be loaded. ' + error.message }), retry);
      });
    }

    _onOnline() { this.load(); }

    _onOffline() { this._setState('offline', 'You are offline. Tips will load when you are back online.', false); }
  }

  window.customElements.define('social-learning-tips', SocialLearningTips);
})();
