// Sign up (when the server runs with --allow-signup): a new account and its root user.

import {getSession, postJson} from '../api.js';
import {errorAlert, h, textField} from '../ui.js';

export async function render(main) {
  document.title = 'Sign up | IAM | iamd';
  const session = await getSession(true).catch(() => ({signedIn: false, signupAllowed: false}));
  const card = h('div', {class: 'card-public'}, h('h1', {}, 'Sign up'));
  main.append(card);
  if (!session.signupAllowed) {
    card.append(h('div', {class: 'alert alert-info', role: 'status'},
                  h('p', {class: 'alert-body'}, 'Sign-up is turned off on this server. Ask its administrator for an account.')),
                h('p', {}, h('a', {href: '#/signin'}, 'Sign in to an existing account')));
    return;
  }
  const errBox = h('div');
  const email = textField({label: 'Root user email address', id: 'signup-email', type: 'email', autocomplete: 'email',
                           hint: 'Used to sign in as the root user of the new account.'});
  const name = textField({label: 'AWS account name', id: 'signup-name', autocomplete: 'organization',
                          hint: 'A name for the account. You can change it later.'});
  const pw = textField({label: 'Password', id: 'signup-password', type: 'password', autocomplete: 'new-password'});
  const pw2 = textField({label: 'Confirm password', id: 'signup-password2', type: 'password', autocomplete: 'new-password'});
  const btn = h('button', {type: 'submit', class: 'btn btn-primary btn-block', id: 'signup-submit'}, 'Sign up');
  const form = h('form', {novalidate: true, 'aria-label': 'Sign up', on: {submit: async (e) => {
    e.preventDefault();
    errBox.replaceChildren();
    const problems = [];
    if (!/^[^\s@]+@[^\s@]+$/.test(email.input.value.trim())) problems.push('Enter a valid email address.');
    if (!name.input.value.trim()) problems.push('Enter an account name.');
    if (!pw.input.value) problems.push('Enter a password.');
    else if (pw.input.value !== pw2.input.value) problems.push('The passwords do not match.');
    if (problems.length) {
      errBox.replaceChildren(errorAlert({code: 'InvalidInput', message: problems.join(' ')}));
      return;
    }
    btn.disabled = true;
    try {
      await postJson('/console/api/signup', {email: email.input.value.trim(), password: pw.input.value,
                                             accountName: name.input.value.trim()});
      location.hash = '#/';
    } catch (err) {
      btn.disabled = false;
      errBox.replaceChildren(errorAlert(err));
    }
  }}}, email, name, pw, pw2, btn);
  card.append(errBox, form);
  main.append(h('p', {}, 'Already have an account? ', h('a', {href: '#/signin'}, 'Sign in')));
}
