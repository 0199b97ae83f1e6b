// Change password: the signed-in IAM user's own (forced when the login profile requires a reset).

import {getSession, postJson} from '../api.js';
import {errorAlert, h, notify, textField} from '../ui.js';

export async function render(main, route) {
  document.title = 'Change password | IAM | iamd';
  const session = route.session || (await getSession());
  const forced = !!session.passwordResetRequired;
  const p = session.principal || {};
  const card = h('div', {class: forced ? 'card-public' : 'container container-body'}, h('h1', {}, 'Change password'));
  main.append(card);
  if (p.type !== 'user' || session.role) {
    card.append(h('p', {}, 'Only an IAM user signed in as itself changes its own password here. ',
                  p.type === 'root' ? 'The root user\'s password is set when the account is created.' : ''));
    return;
  }
  card.append(h('p', {class: 'muted'}, forced
      ? `You must change your password to continue. AWS account ${session.accountAlias || session.accountId}, IAM user ${p.userName || p.name}.`
      : `AWS account ${session.accountAlias || session.accountId}, IAM user ${p.userName || p.name}.`));
  const errBox = h('div');
  const oldPw = textField({label: 'Old password', id: 'cp-old', type: 'password', autocomplete: 'current-password'});
  const newPw = textField({label: 'New password', id: 'cp-new', type: 'password', autocomplete: 'new-password'});
  const newPw2 = textField({label: 'Confirm new password', id: 'cp-new2', type: 'password', autocomplete: 'new-password'});
  const btn = h('button', {type: 'submit', class: 'btn btn-primary', id: 'cp-submit'}, 'Change password');
  const form = h('form', {novalidate: true, 'aria-label': 'Change password', on: {submit: async (e) => {
    e.preventDefault();
    errBox.replaceChildren();
    if (!oldPw.input.value || !newPw.input.value) {
      errBox.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Enter the old and the new password.'}));
      return;
    }
    if (newPw.input.value !== newPw2.input.value) {
      errBox.replaceChildren(errorAlert({code: 'InvalidInput', message: 'The new passwords do not match.'}));
      return;
    }
    btn.disabled = true;
    try {
      await postJson('/console/api/change-password', {oldPassword: oldPw.input.value, newPassword: newPw.input.value});
      notify('Your password has been changed.');
      location.hash = '#/';
    } catch (err) {
      btn.disabled = false;
      errBox.replaceChildren(errorAlert(err));
    }
  }}}, oldPw, newPw, newPw2, h('div', {class: 'actions'}, btn,
      forced ? h('button', {type: 'button', class: 'btn btn-link', on: {click: async () => {
        try {
          await postJson('/console/api/signout', {});
        } catch { /* the session ends either way */ }
        location.hash = '#/signin';
        location.reload();
      }}}, 'Sign out') : h('a', {href: '#/', class: 'btn btn-link'}, 'Cancel')));
  card.append(errBox, form);
}
