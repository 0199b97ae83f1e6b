// The policy editor: a labelled monospace textarea with line numbers, validated as you type
// (debounced) through POST /console/api/validate-policy, the engine's messages listed under it
// ("Ln 3, Col 5: <message>"), the offending lines marked in the gutter and aria-invalid on the
// textarea. Used by the policy, role and inline-policy pages.

import {postJson} from './api.js';
import {h} from './ui.js';
import {ensureStyles} from './iam-common.js';

const DEBOUNCE_MS = 300;
let seq = 0;

// kind: identity | trust | boundary | scp | rcp | resource (what the engine validates against).
// Answers {el, value(), valid(), setValue(text), validate(): Promise<boolean>, focus()}.
export function policyEditor({label, value = '', kind = 'identity', id} = {}) {
  ensureStyles();
  const taId = id || `policy-editor-${++seq}`;
  const errorsId = `${taId}-errors`;
  const statusId = `${taId}-status`;

  const gutter = h('div', {class: 'pe-gutter', 'aria-hidden': 'true'});
  const ta = h('textarea', {id: taId, class: 'pe-text', spellcheck: 'false', autocomplete: 'off',
                            autocapitalize: 'off', wrap: 'off', rows: '18',
                            'aria-describedby': `${statusId} ${errorsId}`});
  ta.value = value;
  const frame = h('div', {class: 'pe-frame'}, gutter, ta);
  const status = h('div', {class: 'pe-status', id: statusId, role: 'status', 'aria-live': 'polite'});
  const errorList = h('ul', {class: 'pe-errors', id: errorsId, 'aria-label': 'Policy errors'});
  const el = h('div', {class: 'pe', 'data-kind': kind},
               h('label', {class: 'pe-label', for: taId}, label || 'Policy editor'), frame, status, errorList);

  // 'pending' (typing or asking), 'valid', 'invalid', 'unknown' (the check itself failed).
  let state = 'pending';
  let errors = [];
  let timer = null;
  let generation = 0;
  let inflight = null;
  let lineCount = 0;

  function renderGutter() {
    const n = ta.value.split('\n').length;
    if (n !== lineCount) {
      const frag = document.createDocumentFragment();
      for (let i = 1; i <= n; i++) frag.append(h('div', {'data-line': String(i)}, String(i)));
      gutter.replaceChildren(frag);
      lineCount = n;
    }
    markLines();
    gutter.scrollTop = ta.scrollTop;
  }

  function markLines() {
    const bad = new Map();
    for (const e of errors) {
      if (e.line > 0 && !bad.has(e.line)) bad.set(e.line, e.message);
    }
    for (const div of gutter.children) {
      const line = Number(div.dataset.line);
      if (bad.has(line)) {
        div.classList.add('pe-line-error');
        div.setAttribute('aria-label', `Line ${line}: error: ${bad.get(line)}`);
        div.setAttribute('data-error', 'true');
      } else if (div.classList.contains('pe-line-error')) {
        div.classList.remove('pe-line-error');
        div.removeAttribute('aria-label');
        div.removeAttribute('data-error');
      }
    }
  }

  // Selects the place of an error in the textarea (the message's "Ln, Col" is a button).
  function goTo(line, column) {
    const lines = ta.value.split('\n');
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
    const lineText = lines[Math.min(line - 1, lines.length - 1)] || '';
    const col = Math.max(0, Math.min((column || 1) - 1, lineText.length));
    ta.focus();
    ta.setSelectionRange(offset + col, offset + (column > 0 ? Math.min(col + 1, lineText.length) : lineText.length));
    // Scroll the line into view: 20px lines, as the CSS says.
    const top = (line - 1) * 20;
    if (top < ta.scrollTop || top > ta.scrollTop + ta.clientHeight - 40) ta.scrollTop = Math.max(0, top - 60);
  }

  function showResult() {
    errorList.replaceChildren(...errors.map((e) => {
      const where = e.line > 0 ? `Ln ${e.line}, Col ${e.column > 0 ? e.column : 1}` : '';
      const item = h('li', {'data-line': String(e.line || 0), 'data-code': e.code || ''});
      if (where) {
        item.append(h('button', {type: 'button', on: {click: () => goTo(e.line, e.column)},
                                 'aria-label': `Go to line ${e.line}, column ${e.column > 0 ? e.column : 1}`}, where),
                    `: ${e.message}`);
      } else {
        item.append(e.message);
      }
      return item;
    }));
    const invalid = state === 'invalid';
    frame.classList.toggle('pe-invalid', invalid);
    if (invalid) ta.setAttribute('aria-invalid', 'true');
    else ta.removeAttribute('aria-invalid');
    status.classList.toggle('pe-ok', state === 'valid');
    status.textContent = state === 'valid' ? 'No errors.'
                         : invalid ? `${errors.length} error${errors.length === 1 ? '' : 's'} found.`
                         : state === 'unknown' ? 'The policy could not be checked now; it is checked again when you save.'
                         : '';
    markLines();
  }

  // Asks the engine; answers true when valid (or when the check could not be made: the server
  // checks again when the policy is saved).
  function validate() {
    clearTimeout(timer);
    timer = null;
    const mine = ++generation;
    const documentText = ta.value;
    state = 'pending';
    inflight = postJson('/console/api/validate-policy', {document: documentText, kind}).then((res) => {
      if (mine !== generation) return false; // stale: newer text is being checked
      if (res && res.valid) {
        state = 'valid';
        errors = [];
      } else {
        state = 'invalid';
        errors = ((res && res.errors) || []).map((e) => ({
          code: e.code || '', message: e.message || 'The policy is not valid.', path: e.path || '',
          line: Number(e.line) || 0, column: Number(e.column) || 0,
        }));
        if (errors.length === 0) errors = [{code: '', message: 'The policy is not valid.', line: 0, column: 0}];
      }
      showResult();
      return state === 'valid';
    }, (err) => {
      if (mine !== generation) return false; // stale: newer text is being checked
      // [IMPL] a failed check (network, session) blocks nothing: the operation validates again.
      state = 'unknown';
      errors = [];
      showResult();
      status.textContent = `The policy could not be checked: ${err.message || err}`;
      return true;
    });
    return inflight;
  }

  function schedule() {
    clearTimeout(timer);
    generation++; // an answer for older text no longer counts
    timer = setTimeout(validate, DEBOUNCE_MS);
  }

  ta.addEventListener('input', () => {
    renderGutter();
    schedule();
  });
  ta.addEventListener('scroll', () => {
    gutter.scrollTop = ta.scrollTop;
  });

  renderGutter();
  validate();

  return {
    el,
    value: () => ta.value,
    // false while errors are shown (and while the engine has not answered for the current text).
    valid: () => state === 'valid' || state === 'unknown',
    setValue(textValue) {
      ta.value = textValue;
      renderGutter();
      validate();
    },
    // Validates now (no debounce); Promise<boolean>.
    validate: () => (timer || state === 'pending' ? (timer ? validate() : inflight) : Promise.resolve(state !== 'invalid')),
    errors: () => errors.slice(),
    focus: () => ta.focus(),
    textarea: ta,
  };
}
