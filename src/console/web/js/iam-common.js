// Shared pieces of the roles, policies, identity providers, account settings, credential report
// and simulator pages (helper B's pages): formatting, trust-policy summaries, a tags editor, a
// managed-policy picker and a modal dialog. Pages import these; nothing here talks to the server
// except the policy picker (ListPolicies).

import {callAll, text} from './api.js';
import {h, errorAlert, notify, table} from './ui.js';

let stylesAdded = false;
// Adds css/iam-pages.css once (a <link>: the CSP allows only 'self' styles, no inline ones).
export function ensureStyles() {
  if (stylesAdded || document.querySelector('link[data-iam-pages]')) {
    stylesAdded = true;
    return;
  }
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('../css/iam-pages.css', import.meta.url).href;
  link.dataset.iamPages = '1';
  document.head.append(link);
  stylesAdded = true;
}

// Sets document.title ("Roles | IAM | iamd") and answers an <h1>.
export function heading(title, docTitle = title) {
  ensureStyles();
  document.title = `${docTitle} | IAM | iamd`;
  return h('h1', {}, title);
}

// An element whose content is replaced by an error alert (or cleared).
export function errorSlot() {
  const slot = h('div', {class: 'iam-error-slot', 'aria-live': 'polite'});
  slot.show = (err) => {
    slot.replaceChildren(errorAlert(err));
    slot.scrollIntoView?.({block: 'nearest'});
  };
  slot.clear = () => slot.replaceChildren();
  return slot;
}

// A button: {label, primary, onClick, id, disabled}
export function button(label, onClick, {primary = false, id, ariaLabel, type = 'button', small = false} = {}) {
  const attrs = {type, class: `btn${primary ? ' btn-primary' : ''}${small ? ' btn-small' : ''}`};
  if (id) attrs.id = id;
  if (ariaLabel) attrs['aria-label'] = ariaLabel;
  if (onClick) attrs.on = {click: onClick};
  return h('button', attrs, label);
}

// Runs fn with the button disabled (no double submits); answers fn's result.
export async function busy(btn, fn) {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
  }
}

// A policy document of IAM's XML (URL-encoded JSON) as readable JSON text.
export function decodeDocument(encoded) {
  let raw = encoded || '';
  try {
    raw = decodeURIComponent(raw);
  } catch {
    // [IMPL] not URL-encoded after all (or malformed): show it as it came.
  }
  return prettyJson(raw);
}

// JSON text re-indented with two spaces; unchanged when it does not parse.
export function prettyJson(textValue) {
  try {
    return JSON.stringify(JSON.parse(textValue), null, 2);
  } catch {
    return textValue;
  }
}

export function parseJson(textValue) {
  try {
    return JSON.parse(textValue);
  } catch {
    return null;
  }
}

// "December 5, 2026, 06:12 (UTC+00:00)"-like local date and time; '-' when empty.
export function fmtDate(iso) {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, {year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit',
                                      minute: '2-digit', second: '2-digit'});
}

// "5 minutes ago", "Yesterday", "12 days ago"; '-' when never (AWS's "Last activity").
export function timeAgo(iso) {
  if (!iso) return '-';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, (Date.now() - t) / 1000);
  if (s < 60) return 'Now';
  if (s < 3600) return plural(Math.floor(s / 60), 'minute') + ' ago';
  if (s < 86400) return plural(Math.floor(s / 3600), 'hour') + ' ago';
  const days = Math.floor(s / 86400);
  return days === 1 ? 'Yesterday' : `${days} days ago`;
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// AWS managed / AWS managed - job function / Customer managed, from a policy's ARN and path.
export function policyType(arn, path = '') {
  if (/^arn:[^:]+:iam::aws:policy\//.test(arn || '')) {
    return path === '/job-function/' || /:policy\/job-function\//.test(arn) ? 'AWS managed - job function'
                                                                             : 'AWS managed';
  }
  return 'Customer managed';
}

export function isAwsManaged(arn) {
  return /^arn:[^:]+:iam::aws:policy\//.test(arn || '');
}

// The account id of an ARN ('' when none).
export function arnAccount(arn) {
  const parts = (arn || '').split(':');
  return parts.length > 4 ? parts[4] : '';
}

// The last path segment of an ARN's resource ("role/a/b" -> "b").
export function arnName(arn) {
  const resource = (arn || '').split(':').slice(5).join(':');
  const i = resource.lastIndexOf('/');
  return i >= 0 ? resource.slice(i + 1) : resource;
}

// An OIDC provider's name as the console shows it: the URL without https:// (its ARN's
// resource after "oidc-provider/").
export function providerName(arn) {
  const resource = (arn || '').split(':').slice(5).join(':');
  return resource.replace(/^(oidc-provider|saml-provider)\//, '');
}

function asArray(v) {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

// The "Trusted entities" of a trust policy, in the console's words: "AWS Service: ec2",
// "Account: 123456789012", "Identity Provider: accounts.google.com".
export function trustedEntities(trustJson) {
  const doc = typeof trustJson === 'string' ? parseJson(trustJson) : trustJson;
  if (!doc) return [];
  const out = new Set();
  for (const st of asArray(doc.Statement)) {
    if (!st || st.Effect !== 'Allow') continue;
    const p = st.Principal;
    if (p === '*') {
      out.add('Everyone (*)');
      continue;
    }
    if (!p || typeof p !== 'object') continue;
    for (const svc of asArray(p.Service)) out.add(`AWS Service: ${String(svc).replace(/\.amazonaws\.com(\.cn)?$/, '')}`);
    for (const a of asArray(p.AWS)) {
      const s = String(a);
      if (s === '*') out.add('Everyone (*)');
      else if (/^\d{12}$/.test(s)) out.add(`Account: ${s}`);
      else if (/:root$/.test(s)) out.add(`Account: ${arnAccount(s)}`);
      else if (s.startsWith('arn:')) out.add(`Account: ${arnAccount(s)} (${s.split(':').slice(5).join(':')})`);
      else out.add(`AWS: ${s}`);
    }
    for (const f of asArray(p.Federated)) {
      const s = String(f);
      out.add(`Identity Provider: ${s.startsWith('arn:') ? providerName(s) : s}`);
    }
    for (const c of asArray(p.CanonicalUser)) out.add(`Canonical user: ${c}`);
  }
  return [...out];
}

// A JSON text shown read-only.
export function codeBlock(textValue, label) {
  const attrs = {class: 'iam-code', tabindex: '0'};
  if (label) attrs['aria-label'] = label;
  return h('pre', attrs, textValue);
}

// A labelled text input: answers {el, input}.
export function field(label, {id, type = 'text', value = '', hint, placeholder, input} = {}) {
  const inp = input || h('input', {id, type});
  if (!input) {
    inp.value = value;
    if (placeholder) inp.placeholder = placeholder;
  }
  inp.id = id;
  if (inp.localName !== 'textarea' && !['checkbox', 'radio', 'file'].includes(inp.type)) inp.classList.add('input');
  const children = [h('label', {for: id}, label), inp];
  if (hint) {
    const hintId = `${id}-hint`;
    inp.setAttribute('aria-describedby', hintId);
    children.push(h('div', {class: 'iam-hint', id: hintId}, hint));
  }
  return {el: h('div', {class: 'iam-field'}, ...children), input: inp};
}

// A <select> of [value, label] pairs.
export function select(id, options, value) {
  const sel = h('select', {id, class: 'input'}, ...options.map(([v, l]) => h('option', {value: v}, l)));
  if (value !== undefined) sel.value = value;
  return sel;
}

// A checkbox with its label: answers {el, input}.
export function checkbox(label, {id, checked = false, hint} = {}) {
  const input = h('input', {type: 'checkbox', id});
  input.checked = checked;
  const labelEl = h('label', {for: id}, label);
  const parts = [input, h('div', {}, labelEl, hint ? h('div', {class: 'iam-hint'}, hint) : null)];
  return {el: h('div', {class: 'iam-check'}, ...parts), input};
}

// A group of radio cards: answers {el, value(), onChange(fn)}. options: [{value, label, hint}]
export function radioCards(name, legend, options, value) {
  const listeners = [];
  const inputs = [];
  const cards = options.map((o) => {
    const id = `${name}-${o.value}`.replace(/[^\w-]/g, '-');
    // The accessible name is the label alone; the hint describes it.
    const input = h('input', {type: 'radio', name, id, value: o.value, 'aria-labelledby': `${id}-label`,
                              'aria-describedby': o.hint ? `${id}-hint` : null});
    input.checked = o.value === value;
    input.addEventListener('change', () => listeners.forEach((fn) => fn(o.value)));
    inputs.push(input);
    return h('label', {class: 'iam-choice', for: id}, input, h('span', {id: `${id}-label`}, o.label),
             o.hint ? h('small', {id: `${id}-hint`}, o.hint) : null);
  });
  const el = h('fieldset', {class: 'iam-choices'}, h('legend', {}, legend), ...cards);
  return {
    el,
    value: () => (inputs.find((i) => i.checked) || {}).value || '',
    onChange: (fn) => listeners.push(fn),
  };
}

// Key/value rows with "Add new tag" and "Remove" (AWS's tag editor, 50 tags at most).
export function tagsEditor(initial = [], idPrefix = 'tag') {
  const rows = [];
  const list = h('div', {class: 'iam-tags'});
  let seq = 0;
  const addBtn = button('Add new tag', () => {
    add('', '');
    rows[rows.length - 1].key.focus();
  });
  function add(key, value) {
    const n = ++seq;
    const k = h('input', {type: 'text', class: 'input', id: `${idPrefix}-key-${n}`, maxlength: '128'});
    const v = h('input', {type: 'text', class: 'input', id: `${idPrefix}-value-${n}`, maxlength: '256'});
    k.value = key;
    v.value = value;
    const row = {key: k, value: v};
    const remove = button('Remove', () => {
      rows.splice(rows.indexOf(row), 1);
      row.el.remove();
      addBtn.disabled = rows.length >= 50;
    }, {ariaLabel: `Remove tag ${n}`});
    row.el = h('div', {class: 'iam-row'},
               h('div', {class: 'iam-field'}, h('label', {for: k.id}, 'Key'), k),
               h('div', {class: 'iam-field'}, h('label', {for: v.id}, 'Value - optional'), v), remove);
    rows.push(row);
    list.append(row.el);
    addBtn.disabled = rows.length >= 50;
  }
  for (const t of initial) add(t.key, t.value);
  const el = h('div', {}, list, h('div', {class: 'iam-hint'}, 'You can add up to 50 more tags.'), addBtn);
  return {
    el,
    tags: () => rows.map((r) => ({key: r.key.value.trim(), value: r.value.value})).filter((t) => t.key !== ''),
    // Every row with a value needs a key (AWS's message); null when fine.
    validate: () => {
      for (const r of rows) {
        if (!r.key.value.trim() && r.value.value) return 'Tag key must not be empty when a value is given.';
      }
      return null;
    },
  };
}

// Tags of an entity as [{key, value}] from its <Tags> members.
export function tagsOf(membersList) {
  return membersList.map((m) => ({key: text(m, 'Key'), value: text(m, 'Value')}));
}

// A table of tags (read-only).
export function tagsTable(tags) {
  return table({
    columns: [{header: 'Key', cell: (t) => t.key}, {header: 'Value', cell: (t) => t.value || '-'}],
    rows: tags,
    empty: 'No tags associated with the resource.',
    filter: (t) => `${t.key} ${t.value}`,
    pageSize: 50,
  }).el;
}

// A Tags tab: the tags and "Manage tags" (UntagX for the removed keys, TagX for the others).
// load(): Promise<[{key, value}]>; tag([{key, value}]) and untag([key]) call the entity's operations.
export async function tagsPanel(panel, {load, tag, untag, idPrefix = 'tags'}) {
  const terrs = errorSlot();
  const current = await load();
  const manage = button('Manage tags', () => {
    const editor = tagsEditor(current, idPrefix);
    const save = button('Save changes', null, {primary: true});
    save.addEventListener('click', () => busy(save, async () => {
      terrs.clear();
      const v = editor.validate();
      if (v) {
        terrs.show({code: 'ValidationError', message: v});
        return;
      }
      const next = editor.tags();
      const removed = current.filter((t) => !next.some((n) => n.key === t.key)).map((t) => t.key);
      try {
        if (removed.length) await untag(removed);
        if (next.length) await tag(next);
        notify('Tags saved.');
        await tagsPanel(panel, {load, tag, untag, idPrefix});
      } catch (err) {
        terrs.show(err);
      }
    }));
    panel.replaceChildren(h('h2', {}, 'Manage tags'), terrs, editor.el,
                          h('div', {class: 'iam-actions iam-end'},
                            button('Cancel', () => tagsPanel(panel, {load, tag, untag, idPrefix})), save));
  });
  panel.replaceChildren(section(`Tags (${current.length})`, h('div', {class: 'iam-actions'}, manage), terrs,
                                tagsTable(current)));
}

let managedCache = null;
// Every managed policy (AWS and customer managed) the principal may list.
export async function listManagedPolicies(refresh = false) {
  if (!managedCache || refresh) {
    managedCache = callAll('ListPolicies', {Scope: 'All'}, 'Policies').then((ms) => ms.map((m) => ({
      name: text(m, 'PolicyName'),
      arn: text(m, 'Arn'),
      path: text(m, 'Path'),
      description: text(m, 'Description'),
      attachments: Number(text(m, 'AttachmentCount') || 0),
      boundaryUses: Number(text(m, 'PermissionsBoundaryUsageCount') || 0),
      created: text(m, 'CreateDate'),
      updated: text(m, 'UpdateDate'),
      defaultVersion: text(m, 'DefaultVersionId'),
      attachable: text(m, 'IsAttachable') !== 'false',
    })).map((p) => ({...p, type: policyType(p.arn, p.path)})));
    managedCache.catch(() => {
      managedCache = null;
    });
  }
  return managedCache;
}

export function forgetManagedPolicies() {
  managedCache = null;
}

export const POLICY_TYPES = ['AWS managed', 'AWS managed - job function', 'Customer managed'];

// A searchable table of managed policies with a "Filter by Type" select; selectable 'multi' or
// 'single'. Answers {el, selected(): [policy], ready: Promise}.
export function policyPicker({selectable = 'multi', idPrefix = 'pick', exclude = new Set(), label = 'Permissions policies'} = {}) {
  const typeSel = select(`${idPrefix}-type`, [['', 'All types'], ...POLICY_TYPES.map((t) => [t, t])], '');
  const holder = h('div', {class: 'iam-table-wrap'}, h('p', {class: 'iam-muted'}, 'Loading policies…'));
  const errs = errorSlot();
  let current = null;
  let all = [];
  function build() {
    const rows = all.filter((p) => p.attachable && !exclude.has(p.arn) && (!typeSel.value || p.type === typeSel.value));
    current = table({
      columns: [
        {header: 'Policy name', cell: (p) => h('a', {href: `#/policies/${encodeURIComponent(p.arn)}`, target: '_blank'}, p.name)},
        {header: 'Type', cell: (p) => p.type},
        {header: 'Attached entities', cell: (p) => String(p.attachments)},
      ],
      rows,
      selectable,
      empty: 'No policies',
      filter: (p) => `${p.name} ${p.type} ${p.description}`,
      searchLabel: 'Find policies by property or policy name',
      label,
      rowLabel: (p) => p.name,
      pageSize: 10,
    });
    holder.replaceChildren(current.el);
  }
  typeSel.addEventListener('change', build);
  const ready = listManagedPolicies().then((ps) => {
    all = ps;
    build();
  }, (err) => {
    holder.replaceChildren();
    errs.show(err);
  });
  const el = h('div', {class: 'iam-picker'},
               h('h3', {}, label),
               h('div', {class: 'iam-field'}, h('label', {for: typeSel.id}, 'Filter by Type'), typeSel),
               errs, holder);
  return {el, ready, selected: () => (current ? current.selected() : [])};
}

// A modal <dialog> (focus stays inside; Escape closes). body: nodes; actions: [button]
// Answers the dialog; close() removes it.
export function modal(title, body, actions = []) {
  const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
  const dlg = h('dialog', {class: 'iam-dialog', 'aria-labelledby': titleId});
  const close = button('Cancel', () => dlg.close());
  dlg.append(h('h2', {id: titleId}, title), ...[].concat(body),
             h('div', {class: 'iam-actions iam-end'}, close, ...actions));
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}

// A definition list of [label, value] pairs (the summary boxes of detail pages).
export function summary(pairs) {
  return h('dl', {class: 'iam-kv'},
           ...pairs.filter(Boolean).map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v ?? '-'))));
}

// A section with an <h2>.
export function section(title, ...children) {
  return h('section', {class: 'iam-section'}, h('h2', {}, title), ...children);
}

export function go(hash) {
  location.hash = hash;
}
