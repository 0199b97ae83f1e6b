// Sign in: "Root user" (email and password) or "IAM user" (account ID or alias, user name,
// password); the MFA step when the answer is MfaRequired; throttling shown with its wait.

import {getSession, postJson} from '../api.js';
import {errorAlert, h, radioGroup, textField} from '../ui.js';

export async function render(main, route) {
  document.title = 'Sign in | IAM | iamd';
  const session = await getSession(true).catch(() => ({signedIn: false, signupAllowed: false}));
  const searchAccount = new URLSearchParams(location.search).get('account');
  const account = route.query.get('account') || searchAccount || '';
  const next = route.query.get('next');
  let type = account ? 'user' : 'root';
  let pending = null; // the body waiting for its MFA code

  const errBox = h('div', {class: 'signin-error'});
  const formBox = h('div');
  const card = h('div', {class: 'card-public'}, h('h1', {}, 'Sign in'), errBox, formBox);
  main.append(card);
  if (session.signupAllowed) {
    main.append(h('p', {class: 'signup-link'}, 'New to iamd? ', h('a', {href: '#/signup'}, 'Create a new account')));
  }

  function done() {
    const target = next && next.startsWith('/') ? `#${next}` : '#/';
    if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = target;
  }

  let waitTimer = null;
  function throttled(err, button) {
    const secs = Math.max(1, Math.ceil(Number(err.retryAfter) || 1));
    let left = secs;
    const line = h('p', {class: 'alert-body'});
    const box = h('div', {class: 'alert alert-warning', role: 'alert'}, h('p', {class: 'alert-title'}, 'Too many sign-in attempts'),
                  h('p', {class: 'alert-body'}, (err.message || 'Sign-in is slowed down after repeated failures.')
                      .replace(/\s*Try again in \d+ seconds?\.?/, '')), line);
    const tick = () => {
      line.textContent = left > 0 ? `Try again in ${left} second${left === 1 ? '' : 's'}.` : 'You can try again now.';
      button.disabled = left > 0;
      left -= 1;
      if (left < 0) clearInterval(waitTimer);
    };
    clearInterval(waitTimer);
    tick();
    waitTimer = setInterval(tick, 1000);
    errBox.replaceChildren(box);
  }

  async function submit(body, button) {
    errBox.replaceChildren();
    button.disabled = true;
    try {
      await postJson('/console/api/signin', body);
      done();
    } catch (err) {
      button.disabled = false;
      if (err.code === 'MfaRequired') {
        pending = body;
        drawMfa();
      } else if (err.code === 'Throttling' || err.status === 429) {
        throttled(err, button);
      } else {
        errBox.replaceChildren(errorAlert(err));
      }
    }
  }

  function drawMfa() {
    const code = textField({label: 'MFA code', id: 'signin-mfa', autocomplete: 'one-time-code',
                            hint: 'Enter the code from your authenticator app.'});
    code.input.setAttribute('inputmode', 'numeric');
    code.input.setAttribute('pattern', '[0-9]{6}');
    code.input.setAttribute('maxlength', '6');
    const btn = h('button', {type: 'submit', class: 'btn btn-primary btn-block'}, 'Submit');
    const form = h('form', {class: 'signin-form', novalidate: true, 'aria-labelledby': 'mfa-title',
                            on: {submit: (e) => {
                              e.preventDefault();
                              const v = code.input.value.trim();
                              if (!/^\d{6}$/.test(v)) {
                                errBox.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Enter the 6-digit MFA code.'}));
                                code.input.focus();
                                return;
                              }
                              submit({...pending, mfaCode: v}, btn);
                            }}},
                   h('h2', {id: 'mfa-title'}, 'Multi-factor authentication'),
                   h('p', {class: 'muted'}, `Account: ${pending.type === 'root' ? pending.email : `${pending.account} / ${pending.userName}`}`),
                   code,
                   btn,
                   h('p', {}, h('button', {type: 'button', class: 'linkish', on: {click: () => {
                     pending = null;
                     errBox.replaceChildren();
                     drawForm();
                   }}}, 'Cancel')));
    formBox.replaceChildren(form);
    code.input.focus();
  }

  function drawForm() {
    const chooser = radioGroup({legend: 'Sign in as', name: 'signin-type', value: type, tiles: true,
                                options: [{value: 'root', label: 'Root user',
                                           hint: 'Account owner that performs tasks requiring unrestricted access.'},
                                          {value: 'user', label: 'IAM user',
                                           hint: 'User within an account that performs daily tasks.'}],
                                onChange: (v) => {
                                  type = v;
                                  errBox.replaceChildren();
                                  drawForm();
                                  const first = formBox.querySelector('form input:not([type=radio])');
                                  if (first) first.focus();
                                }});
    const btn = h('button', {type: 'submit', class: 'btn btn-primary btn-block', id: 'signin-submit'}, 'Sign in');
    let fields;
    let read;
    if (type === 'root') {
      const email = textField({label: 'Root user email address', id: 'signin-email', type: 'email', autocomplete: 'username'});
      const pw = textField({label: 'Password', id: 'signin-password', type: 'password', autocomplete: 'current-password'});
      fields = [email, pw];
      read = () => {
        const e = email.input.value.trim();
        if (!e || !pw.input.value) return {error: 'Enter the root user email address and the password.'};
        return {body: {type: 'root', email: e, password: pw.input.value}};
      };
    } else {
      const acct = textField({label: 'Account ID (12 digits) or account alias', id: 'signin-account', value: account,
                              autocomplete: 'organization'});
      const user = textField({label: 'IAM user name', id: 'signin-username', autocomplete: 'username'});
      const pw = textField({label: 'Password', id: 'signin-password', type: 'password', autocomplete: 'current-password'});
      fields = [acct, user, pw];
      read = () => {
        const raw = acct.input.value.trim();
        const a = /^\d{4}-\d{4}-\d{4}$/.test(raw) ? raw.replace(/-/g, '') : raw; // 1234-5678-9012 as AWS shows it
        const u = user.input.value.trim();
        if (!a || !u || !pw.input.value) return {error: 'Enter the account ID or alias, the IAM user name and the password.'};
        return {body: {type: 'user', account: a, userName: u, password: pw.input.value}};
      };
    }
    const form = h('form', {class: 'signin-form', novalidate: true, 'aria-label': 'Sign in',
                            on: {submit: (e) => {
                              e.preventDefault();
                              const r = read();
                              if (r.error) {
                                errBox.replaceChildren(errorAlert({code: 'InvalidInput', message: r.error}));
                                return;
                              }
                              submit(r.body, btn);
                            }}},
                   chooser, fields, btn);
    formBox.replaceChildren(form);
  }

  drawForm();
}
