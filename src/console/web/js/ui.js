// The console's building blocks: elements, alerts, tables, dialogs, tabs, form fields, wizards.
// No inline script or style (the CSP forbids them): handlers are attached here, looks are classes.

let uid = 0;
function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

const PROPS = new Set(['value', 'checked', 'disabled', 'selected', 'multiple', 'readOnly', 'required',
                       'indeterminate', 'hidden', 'open']);

// An element. attrs: class, for, id, type, on: {click: fn}, aria-*, data-*, any attribute;
// children: strings, nodes, arrays, null/undefined/false (skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'class' || k === 'className') {
      el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    } else if (k === 'for') {
      el.htmlFor = v;
    } else if (k === 'text') {
      el.textContent = v;
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (PROPS.has(k)) {
      el[k] = v;
      if (k !== 'value' && k !== 'indeterminate') el.setAttribute(k === 'readOnly' ? 'readonly' : k, '');
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// ---- errors and the explanation of a denial ----

function items(x) {
  if (!x) return [];
  if (Array.isArray(x)) return x;
  if (Array.isArray(x.items)) return x.items;
  return [];
}

function pretty(statement) {
  if (statement == null) return '';
  if (typeof statement === 'string') {
    try {
      return JSON.stringify(JSON.parse(statement), null, 2);
    } catch {
      return statement;
    }
  }
  return JSON.stringify(statement, null, 2);
}

function statementView(s) {
  return h('div', {class: 'explain-statement'},
           h('dl', {class: 'kv kv-compact'},
             h('dt', {}, 'Policy'), h('dd', {}, s.policyLabel || s.policy || '-'),
             s.policyVersion ? [h('dt', {}, 'Version'), h('dd', {}, s.policyVersion)] : null,
             h('dt', {}, 'Sid'), h('dd', {}, s.statementId || '(none)'),
             h('dt', {}, 'Effect'), h('dd', {}, s.effect || '-'),
             h('dt', {}, 'Policy type'), h('dd', {}, s.policyType || '-')),
           s.statement ? h('pre', {class: 'code'}, pretty(s.statement)) : null);
}

const DECISIONS = {
  implicitDeny: 'Implicitly denied: no policy allows this request.',
  explicitDeny: 'Explicitly denied: a statement with "Effect": "Deny" matches this request.',
  allow: 'Allowed.',
};

// The explanation of a denial (the X-Iamd-Explanation JSON) as readable sections.
function explanationView(x, shownMessage = '') {
  const ours = x.iamd || {};
  const decision = ours.decision || (x.explicitDeny ? 'explicitDeny' : x.allowed ? 'allow' : 'implicitDeny');
  const ctx = x.context || {};
  const matched = items(ours.matched).length ? items(ours.matched) : items(x.matchedStatements);
  const failed = ours.failedConditions || [];
  const missing = ours.missingContextKeys || [];
  const conds = items(ctx.conditions);
  return h('div', {class: 'explanation'},
           h('p', {class: 'explain-decision'}, h('strong', {}, DECISIONS[decision] || decision)),
           ours.message && ours.message !== shownMessage ? h('p', {}, ours.message) : null,
           h('dl', {class: 'kv kv-compact'},
             ctx.action ? [h('dt', {}, 'Action'), h('dd', {}, ctx.action)] : null,
             ctx.resource ? [h('dt', {}, 'Resource'), h('dd', {}, ctx.resource)] : null,
             ctx.principal && ctx.principal.arn ? [h('dt', {}, 'Principal'), h('dd', {}, ctx.principal.arn)] : null,
             ours.evaluatedPolicyTypes ? [h('dt', {}, 'Evaluated policy types'),
                                          h('dd', {}, ours.evaluatedPolicyTypes.join(', ') || 'none')] : null,
             ours.blockedBy ? [h('dt', {}, 'Blocked by'), h('dd', {}, ours.blockedBy)] : null),
           h('h4', {}, decision === 'explicitDeny' ? 'Deciding statements' : 'Matched statements'),
           matched.length ? matched.map(statementView) : h('p', {class: 'muted'}, 'No statement matched this request.'),
           failed.length ? [h('h4', {}, 'Conditions that failed'),
                            h('ul', {class: 'plain-list'}, failed.map((f) => h('li', {},
                              `${f.policyLabel || f.policy || ''}${f.policyVersion ? ` (${f.policyVersion})` : ''}` +
                              `${f.statementId ? `, Sid ${f.statementId}` : ''}${f.effect ? `, ${f.effect}` : ''}: `,
                              h('code', {}, `${f.operator} ${f.key} ${JSON.stringify(f.values || [])}`),
                              ` — request values: ${f.requestValues && f.requestValues.length ? JSON.stringify(f.requestValues) : '(key absent)'}`)))]
                         : null,
           missing.length ? [h('h4', {}, 'Missing context keys'),
                             h('ul', {class: 'plain-list'}, missing.map((k) => h('li', {}, h('code', {}, k))))] : null,
           conds.length ? [h('h4', {}, 'Request context'),
                           h('ul', {class: 'plain-list'}, conds.map((c) => h('li', {}, h('code', {}, c.key), ': ',
                             items(c.values).map((v) => v.value).join(', '))))] : null);
}

// An alert for an ApiError (or any Error): AWS's code and message; with an explanation, the
// button "Why was this denied?" reveals it.
export function errorAlert(err) {
  const code = (err && err.code) || (err && err.name) || 'Error';
  const message = (err && err.message) || String(err);
  const box = h('div', {class: 'alert alert-error', role: 'alert'},
                h('p', {class: 'alert-title'}, code),
                h('p', {class: 'alert-body'}, message));
  if (err && err.requestId) box.appendChild(h('p', {class: 'alert-meta'}, `Request ID: ${err.requestId}`));
  if (err && err.explanation) {
    const panelId = nextId('explain');
    const panel = h('div', {id: panelId, class: 'explain-panel', hidden: true}, explanationView(err.explanation, message));
    const btn = h('button', {type: 'button', class: 'btn btn-link', 'aria-expanded': 'false', 'aria-controls': panelId,
                             on: {click: () => {
                               const open = panel.hidden;
                               panel.hidden = !open;
                               btn.setAttribute('aria-expanded', String(open));
                               btn.textContent = open ? 'Hide explanation' : 'Why was this denied?';
                             }}}, 'Why was this denied?');
    box.append(btn, panel);
  }
  return box;
}

// ---- flash messages ----
// A message shown at the top of the content; it survives the navigation that usually follows
// (create, then open the new resource) and goes at the one after.

window.addEventListener('iamd:navigate', () => {
  const flash = document.getElementById('flash');
  if (!flash) return;
  for (const n of Array.from(flash.children)) {
    const age = Number(n.dataset.age || '0') + 1;
    if (age > 1) n.remove();
    else n.dataset.age = String(age);
  }
});

export function notify(message, kind = 'success') {
  let flash = document.getElementById('flash');
  if (!flash) {
    flash = h('div', {id: 'flash'});
    document.body.prepend(flash);
  }
  const note = h('div', {class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status', dataset: {age: '0'}},
                 h('p', {class: 'alert-body'}, message),
                 h('button', {type: 'button', class: 'btn-close', 'aria-label': 'Dismiss', on: {click: () => note.remove()}},
                   '×'));
  // The newest few stay: older notes of the same page go as new ones come.
  while (flash.children.length >= 3) flash.firstElementChild.remove();
  flash.appendChild(note);
  return note;
}

// ---- table ----

// A table with a search box, paging and optional selection; returns {el, selected(), setRows(rows)}.
// Extra options: label (accessible name of the table), searchLabel ("Find users"), rowLabel
// (row => name for the selection control), onSelect(rows), initial (row => selected at first),
// tools (nodes beside the search box), rowFilter (row => shown?; then call refresh()).
export function table({columns, rows = [], selectable = null, empty = 'No resources', filter = null, pageSize = 20,
                       label = '', searchLabel = '', rowLabel = null, onSelect = null, initial = null,
                       tools: extraTools = null, rowFilter = null} = {}) {
  let all = rows.slice();
  let query = '';
  let page = 0;
  const chosen = new Set(initial ? all.filter(initial) : []);
  const groupName = nextId('sel');
  const el = h('div', {class: 'table-wrap'});
  const tools = h('div', {class: 'table-tools'});
  let search = null;
  if (filter) {
    const sid = nextId('find');
    search = h('input', {type: 'search', id: sid, class: 'input table-search', placeholder: searchLabel || 'Find resources',
                         autocomplete: 'off', on: {input: () => {
                           query = search.value.trim().toLowerCase();
                           page = 0;
                           draw();
                         }}});
    tools.appendChild(h('div', {class: 'table-search-box'},
                        h('label', {for: sid, class: 'visually-hidden'}, searchLabel || 'Find resources'), search));
  }
  const pager = h('nav', {class: 'pager', 'aria-label': `${label || 'Table'} pages`});
  tools.appendChild(pager);
  const tbl = h('table', {class: 'table'});
  if (label) tbl.appendChild(h('caption', {class: 'visually-hidden'}, label));
  const thead = h('thead');
  const tbody = h('tbody');
  tbl.append(thead, tbody);
  const status = h('p', {class: 'visually-hidden', 'aria-live': 'polite'});
  el.append(tools, h('div', {class: 'table-scroll'}, tbl), status);

  if (extraTools) tools.insertBefore(h('div', {class: 'table-extra-tools'}, extraTools), pager);
  // rowFilter: a second filter the page controls (e.g. a policy type select); call el.refresh() when it changes.
  // With a search, an exact match comes first, then names that start with it, then the rest (each in order).
  const rank = (r) => {
    const words = String(filter(r) || '').toLowerCase().split(/\s+/);
    if (words.includes(query)) return 0;
    return words.some((w) => w.startsWith(query)) ? 1 : 2;
  };
  const visible = () => {
    let rowsNow = all.filter((r) => !rowFilter || rowFilter(r));
    if (query && filter) {
      rowsNow = rowsNow.filter((r) => String(filter(r) || '').toLowerCase().includes(query))
          .map((r, i) => ({r, i, k: rank(r)})).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.r);
    }
    return rowsNow;
  };
  const changed = () => {
    if (onSelect) onSelect(Array.from(chosen));
  };
  const nameOf = (r) => (rowLabel ? rowLabel(r) : '');

  function draw() {
    const rowsNow = visible();
    const pages = Math.max(1, Math.ceil(rowsNow.length / pageSize));
    if (page >= pages) page = pages - 1;
    const slice = rowsNow.slice(page * pageSize, (page + 1) * pageSize);
    thead.replaceChildren();
    const hr = h('tr');
    if (selectable === 'multi') {
      const allBox = h('input', {type: 'checkbox', 'aria-label': 'Select all on this page', on: {change: () => {
        for (const r of slice) {
          if (allBox.checked) chosen.add(r);
          else chosen.delete(r);
        }
        draw();
        changed();
      }}});
      allBox.checked = slice.length > 0 && slice.every((r) => chosen.has(r));
      allBox.indeterminate = !allBox.checked && slice.some((r) => chosen.has(r));
      hr.appendChild(h('th', {class: 'col-select', scope: 'col'}, allBox));
    } else if (selectable === 'single') {
      hr.appendChild(h('th', {class: 'col-select', scope: 'col'}, h('span', {class: 'visually-hidden'}, 'Select')));
    }
    for (const c of columns) hr.appendChild(h('th', {scope: 'col'}, c.header));
    thead.appendChild(hr);
    tbody.replaceChildren();
    if (!slice.length) {
      tbody.appendChild(h('tr', {}, h('td', {class: 'table-empty', colspan: String(columns.length + (selectable ? 1 : 0))},
                                      query ? 'No matches' : empty)));
    }
    for (const r of slice) {
      const tr = h('tr', {class: chosen.has(r) ? 'selected' : null});
      if (selectable) {
        const box = h('input', {type: selectable === 'multi' ? 'checkbox' : 'radio', name: groupName,
                                'aria-label': nameOf(r) ? `Select ${nameOf(r)}` : 'Select row',
                                on: {change: () => {
                                  if (selectable === 'single') chosen.clear();
                                  if (box.checked) chosen.add(r);
                                  else chosen.delete(r);
                                  draw();
                                  changed();
                                }}});
        box.checked = chosen.has(r);
        tr.appendChild(h('td', {class: 'col-select'}, box));
      }
      for (const c of columns) {
        const v = c.cell(r);
        tr.appendChild(h('td', {}, v === '' || v == null ? '-' : v));
      }
      tbody.appendChild(tr);
    }
    pager.replaceChildren(
        h('button', {type: 'button', class: 'btn btn-icon', 'aria-label': 'Previous page', disabled: page === 0,
                     on: {click: () => {
                       page -= 1;
                       draw();
                     }}}, '‹'),
        h('span', {class: 'pager-text'}, `${page + 1} / ${pages}`),
        h('button', {type: 'button', class: 'btn btn-icon', 'aria-label': 'Next page', disabled: page >= pages - 1,
                     on: {click: () => {
                       page += 1;
                       draw();
                     }}}, '›'));
    status.textContent = `${rowsNow.length} ${rowsNow.length === 1 ? 'item' : 'items'}`;
  }
  draw();
  return {
    el,
    selected: () => all.filter((r) => chosen.has(r)),
    setRows(next) {
      all = next.slice();
      for (const r of Array.from(chosen)) if (!all.includes(r)) chosen.delete(r);
      draw();
      changed();
    },
    clearSelection() {
      chosen.clear();
      draw();
      changed();
    },
    refresh() {
      page = 0;
      draw();
    },
  };
}

// ---- small controls ----

async function writeClipboard(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const ta = h('textarea', {class: 'offscreen', 'aria-hidden': 'true'});
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

export function copyButton(text, label = 'Copy') {
  const live = h('span', {class: 'visually-hidden', 'aria-live': 'polite'});
  const btn = h('button', {type: 'button', class: 'btn btn-small btn-copy', 'aria-label': label === 'Copy' ? `Copy ${text}` : label,
                           title: label, on: {click: async () => {
                             const ok = await writeClipboard(text);
                             btn.firstChild.textContent = ok ? 'Copied' : 'Copy failed';
                             live.textContent = ok ? 'Copied' : 'Copy failed';
                             setTimeout(() => {
                               btn.firstChild.textContent = label;
                               live.textContent = '';
                             }, 1500);
                           }}}, h('span', {}, label));
  return h('span', {class: 'copy-wrap'}, btn, live);
}

// A modal <dialog>: resolves true on confirm, false on Cancel, Escape or close. requireText: the
// text the user must type before the confirm button works (AWS's "To confirm deletion, enter ...").
export function confirmDialog({title, body, confirmLabel = 'Confirm', requireText = null, danger = true} = {}) {
  return new Promise((resolve) => {
    const titleId = nextId('dlg-title');
    const okBtn = h('button', {type: 'button', class: danger ? 'btn btn-danger' : 'btn btn-primary'}, confirmLabel);
    const cancelBtn = h('button', {type: 'button', class: 'btn'}, 'Cancel');
    let input = null;
    let confirmField = null;
    if (requireText) {
      const iid = nextId('dlg-confirm');
      input = h('input', {type: 'text', id: iid, class: 'input', autocomplete: 'off', placeholder: requireText});
      confirmField = h('div', {class: 'field'},
                       h('label', {for: iid}, `To confirm, enter `, h('strong', {}, requireText), ' in the text input field.'),
                       input);
      okBtn.disabled = true;
      input.addEventListener('input', () => {
        okBtn.disabled = input.value !== requireText;
      });
    }
    const dlg = h('dialog', {class: 'dialog', 'aria-labelledby': titleId},
                  h('h2', {id: titleId, class: 'dialog-title'}, title),
                  h('div', {class: 'dialog-body'}, typeof body === 'string' ? h('p', {}, body) : body),
                  confirmField,
                  h('div', {class: 'dialog-actions'}, cancelBtn, okBtn));
    let result = false;
    const finish = (v) => {
      result = v;
      dlg.close();
    };
    okBtn.addEventListener('click', () => finish(true));
    cancelBtn.addEventListener('click', () => finish(false));
    if (input) {
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && !okBtn.disabled) finish(true);
      });
    }
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(result);
    });
    document.body.appendChild(dlg);
    dlg.showModal();
    (input || cancelBtn).focus();
  });
}

// AWS-like tabs (role=tablist, arrow keys). The active tab is kept in the hash's ?tab= query.
export function tabs(items, activeId) {
  const list = h('div', {class: 'tabs', role: 'tablist'});
  const panel = h('div', {class: 'tab-panel', role: 'tabpanel', tabindex: '0'});
  const el = h('div', {class: 'tabs-wrap'}, list, panel);
  const buttons = [];
  let current = items.some((i) => i.id === activeId) ? activeId : items[0] && items[0].id;
  let token = 0;

  async function activate(id, focus = false) {
    current = id;
    const item = items.find((i) => i.id === id);
    for (const b of buttons) {
      const on = b.dataset.id === id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on) {
        panel.setAttribute('aria-labelledby', b.id);
        if (focus) b.focus();
      }
    }
    // Only a page still on screen writes the hash (a page left while it loaded must not).
    setTimeout(() => {
      if (el.isConnected) syncQuery(id);
    }, 0);
    token += 1;
    const mine = token;
    const fresh = h('div', {class: 'tab-content'});
    panel.replaceChildren(fresh);
    try {
      await item.render(fresh);
    } catch (err) {
      if (mine === token) fresh.appendChild(errorAlert(err));
    }
  }

  items.forEach((item, i) => {
    const b = h('button', {type: 'button', role: 'tab', id: nextId('tab'), class: 'tab', dataset: {id: item.id},
                           on: {click: () => activate(item.id),
                                keydown: (e) => {
                                  let j = null;
                                  if (e.key === 'ArrowRight') j = (i + 1) % items.length;
                                  else if (e.key === 'ArrowLeft') j = (i - 1 + items.length) % items.length;
                                  else if (e.key === 'Home') j = 0;
                                  else if (e.key === 'End') j = items.length - 1;
                                  if (j !== null) {
                                    e.preventDefault();
                                    activate(items[j].id, true);
                                  }
                                }}}, item.label);
    buttons.push(b);
    list.appendChild(b);
  });
  if (current) activate(current);
  return el;
}

function syncQuery(tabId) {
  const hash = location.hash || '#/';
  const q = hash.indexOf('?');
  const path = q < 0 ? hash : hash.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : hash.slice(q + 1));
  if (query.get('tab') === tabId) return;
  query.set('tab', tabId);
  history.replaceState(history.state, '', `${location.pathname}${location.search}${path}?${query}`);
}

// <label for=id> + input + hint + error. `input` gets the id (and aria-describedby the hint).
export function formField({label, id, input, hint, error} = {}) {
  const fid = id || (input && input.id) || nextId('field');
  if (input && !input.id) input.id = fid;
  const hintId = `${fid}-hint`;
  const errId = `${fid}-error`;
  const described = [];
  if (hint) described.push(hintId);
  if (error) described.push(errId);
  if (input && described.length) input.setAttribute('aria-describedby', described.join(' '));
  if (input && error) input.setAttribute('aria-invalid', 'true');
  return h('div', {class: 'field'},
           h('label', {for: fid, class: 'field-label'}, label),
           hint ? h('p', {id: hintId, class: 'field-hint'}, hint) : null,
           input,
           error ? h('p', {id: errId, class: 'field-error'}, error) : null);
}

// AWS's numbered steps: Cancel, Previous, Next, and the last step's submit button. Each step's
// render(panel, state) runs on every visit (the panel is emptied): keep values in `state`.
// opts: {submitLabel = 'Create', onCancel, state}.
export function wizard(steps, onSubmit, opts = {}) {
  const state = opts.state || {};
  let index = 0;
  const stepList = h('ol', {class: 'wizard-steps'});
  const panel = h('section', {class: 'wizard-panel'});
  const errBox = h('div', {class: 'wizard-error'});
  const heading = h('h2', {class: 'wizard-title', tabindex: '-1'});
  const body = h('div', {class: 'wizard-body'});
  const cancel = h('button', {type: 'button', class: 'btn btn-link'}, 'Cancel');
  const prev = h('button', {type: 'button', class: 'btn'}, 'Previous');
  const next = h('button', {type: 'button', class: 'btn btn-primary'}, 'Next');
  const actions = h('div', {class: 'wizard-actions'}, cancel, prev, next);
  panel.append(heading, errBox, body, actions);
  const el = h('div', {class: 'wizard'}, h('nav', {'aria-label': 'Steps'}, stepList), panel);

  function drawSteps() {
    stepList.replaceChildren(...steps.map((s, i) => h('li', {class: i === index ? 'current' : i < index ? 'done' : null,
                                                             'aria-current': i === index ? 'step' : null},
                                                       h('span', {class: 'wizard-step-no'}, `Step ${i + 1}`),
                                                       h('span', {class: 'wizard-step-title'}, s.title))));
  }
  function show(i, focus = true) {
    index = i;
    drawSteps();
    errBox.replaceChildren();
    heading.textContent = steps[i].title;
    body.replaceChildren();
    prev.hidden = i === 0;
    next.textContent = i === steps.length - 1 ? (opts.submitLabel || 'Create') : 'Next';
    steps[i].render(body, state);
    if (focus) heading.focus();
  }
  function check() {
    const v = steps[index].validate ? steps[index].validate(state) : null;
    if (v) {
      errBox.replaceChildren(h('div', {class: 'alert alert-error', role: 'alert'}, h('p', {class: 'alert-body'}, v)));
      return false;
    }
    return true;
  }
  cancel.addEventListener('click', () => {
    if (opts.onCancel) opts.onCancel();
    else history.back();
  });
  prev.addEventListener('click', () => show(index - 1));
  next.addEventListener('click', async () => {
    if (!check()) return;
    if (index < steps.length - 1) {
      show(index + 1);
      return;
    }
    next.disabled = true;
    prev.disabled = true;
    errBox.replaceChildren();
    try {
      await onSubmit(state);
    } catch (err) {
      errBox.replaceChildren(errorAlert(err));
      errBox.scrollIntoView({block: 'nearest'});
    } finally {
      next.disabled = false;
      prev.disabled = false;
    }
  });
  show(0, false);
  el.goTo = (i) => show(i);
  el.state = state;
  return el;
}

export function downloadFile(name, text, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const a = h('a', {href: url, download: name, class: 'offscreen'});
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- helpers the pages share (beyond the contract's list) ----

// A white container with a header (title, optional counter and actions) and a body.
export function container({title, count = null, actions = null, body = null, level = 'h2', description = null} = {}) {
  return h('section', {class: 'container'},
           title ? h('div', {class: 'container-header'},
                     h('div', {}, h(level, {}, title, count != null ? h('span', {class: 'muted'}, ` (${count})`) : null),
                       description ? h('p', {class: 'muted'}, description) : null),
                     actions ? h('div', {class: 'actions'}, actions) : null) : null,
           h('div', {class: 'container-body'}, body));
}

// A text input with its label (formField), returning the field element; the input is field.input.
export function textField({label, id, type = 'text', value = '', hint, autocomplete = 'off', required = false,
                           placeholder = null, on = null} = {}) {
  const input = h('input', {type, id, class: 'input', autocomplete, required, placeholder, on});
  input.value = value;
  const field = formField({label, id, input, hint});
  field.input = input;
  return field;
}

// A checkbox with its label and an optional hint, returning the wrapper; the input is el.input.
export function checkbox({label, id, checked = false, hint = null, on = null} = {}) {
  const input = h('input', {type: 'checkbox', id, on});
  input.checked = checked;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  const el = h('div', {class: 'check'}, input,
               h('div', {}, h('label', {for: id, class: 'check-label'}, label), hint ? h('span', {id: hintId, class: 'check-hint'}, hint) : null));
  el.input = input;
  return el;
}

// A group of radio buttons in a fieldset; options [{value, label, hint}]. el.value() reads the choice.
export function radioGroup({legend, name, options, value, onChange = null, tiles = false} = {}) {
  const inputs = [];
  const el = h('fieldset', {class: 'field'}, h('legend', {}, legend),
               h('div', {class: tiles ? 'radio-tiles' : 'radio-list'}, options.map((o) => {
                 const id = `${name}-${o.value}`;
                 const input = h('input', {type: 'radio', name, id, value: o.value, on: {change: () => onChange && onChange(o.value)}});
                 input.checked = o.value === value;
                 inputs.push(input);
                 const hintId = o.hint ? `${id}-hint` : null;
                 if (hintId) input.setAttribute('aria-describedby', hintId);
                 return h('div', {class: tiles ? 'check radio-tile' : 'check'}, input,
                          h('div', {}, h('label', {for: id, class: 'check-label'}, o.label),
                            o.hint ? h('span', {id: hintId, class: 'check-hint'}, o.hint) : null));
               })));
  el.value = () => (inputs.find((i) => i.checked) || {}).value || null;
  return el;
}

// "2026-12-05T10:00:00Z" -> a readable local date and time; '' for empty.
export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, {year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit',
                                      timeZoneName: 'short'});
}

// "3 days ago", "Today", "-" for empty.
export function timeAgo(iso) {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const days = Math.floor((Date.now() - t) / 86400000);
  if (days <= 0) {
    const mins = Math.floor((Date.now() - t) / 60000);
    if (mins < 1) return 'Now';
    if (mins < 60) return `${mins} minute${mins === 1 ? '' : 's'} ago`;
    const hours = Math.floor(mins / 60);
    return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  }
  if (days === 1) return 'Yesterday';
  return `${days} days ago`;
}

// Age in whole days of an ISO time (0 for today), or null.
export function ageDays(iso) {
  if (!iso) return null;
  const t = new Date(iso).getTime();
  return Number.isNaN(t) ? null : Math.floor((Date.now() - t) / 86400000);
}

// A page heading with breadcrumbs and actions.
export function pageHeader({title, crumbs = null, actions = null, description = null} = {}) {
  document.title = `${title} | IAM | iamd`;
  return h('div', {class: 'page-top'},
           crumbs ? h('nav', {class: 'breadcrumbs', 'aria-label': 'Breadcrumbs'},
                      crumbs.map((c, i) => [i ? ' › ' : null, c.href ? h('a', {href: c.href}, c.label) : h('span', {}, c.label)]))
                  : null,
           h('div', {class: 'page-header'}, h('h1', {}, title), actions ? h('div', {class: 'actions'}, actions) : null),
           description ? h('p', {class: 'muted'}, description) : null);
}

// A loading line for a panel while its data come.
export function loading(what = 'Loading') {
  return h('p', {class: 'muted', role: 'status'}, `${what}…`);
}

// "RFC 3986" component encoding for a route segment.
export function routeHref(base, name, query = null) {
  return `#${base}/${encodeURIComponent(name)}${query ? `?${new URLSearchParams(query)}` : ''}`;
}
