// Switch role: AWS's page ("Account ID", "IAM role name", "Display name") -> POST
// /console/api/switch-role; pre-filled from ?account=&roleName=&displayName=. The account menu's
// "Switch back" is the layout's (POST /console/api/switch-back).

import {postJson} from '../api.js';
import {h, notify} from '../ui.js';
import {heading, errorSlot, field, busy, go} from '../iam-common.js';

const ROLE_NAME_RE = /^[\w+=,.@/-]{1,64}$/;

export async function render(main, route) {
  const q = route.query;
  const errs = errorSlot();
  const session = route.session || {};
  const account = field('Account ID', {id: 'switch-account', value: q.get('account') || '',
                                       hint: 'The 12-digit account ID or the account alias.'});
  account.input.required = true;
  account.input.autocomplete = 'off';
  const roleName = field('IAM role name', {id: 'switch-role-name', value: q.get('roleName') || '',
                                           hint: 'The name of the role (with its path, if any), not its ARN.'});
  roleName.input.required = true;
  roleName.input.autocomplete = 'off';
  const displayName = field('Display name - optional', {id: 'switch-display-name', value: q.get('displayName') || '',
                                                        hint: 'The name shown in the navigation bar while you use this role. Maximum 64 characters.'});
  displayName.input.maxLength = 64;
  const submit = h('button', {type: 'submit', class: 'btn btn-primary'}, 'Switch Role');
  const cancel = h('button', {type: 'button', class: 'btn', on: {click: () => history.back()}}, 'Cancel');
  const form = h('form', {class: 'iam-form', novalidate: true, 'aria-labelledby': 'switch-role-title'},
                 account.el, roleName.el, displayName.el,
                 h('div', {class: 'iam-actions'}, cancel, submit));
  const title = heading('Switch Role');
  title.id = 'switch-role-title';
  main.append(title,
              h('p', {class: 'iam-muted'},
                'Allows management of resources across AWS accounts using a single user ID and password. ' +
                'You can switch roles after an administrator has configured a role and given you the account and role details.'),
              session.role ? h('p', {}, `You are using the role ${session.role.roleName} in account ${session.role.accountId}. ` +
                                         'Switching again starts from the identity you signed in with.') : '',
              errs, form);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    errs.clear();
    const acct = account.input.value.trim();
    const role = roleName.input.value.trim();
    const display = displayName.input.value.trim();
    if (!acct) {
      errs.show({code: 'ValidationError', message: 'Enter the account ID or alias.'});
      account.input.focus();
      return;
    }
    if (!ROLE_NAME_RE.test(role)) {
      errs.show({code: 'ValidationError', message: 'Enter a role name: up to 64 letters, digits and +=,.@-_/ characters.'});
      roleName.input.focus();
      return;
    }
    busy(submit, async () => {
      try {
        const body = {account: acct, roleName: role};
        if (display) body.displayName = display;
        const s = await postJson('/console/api/switch-role', body);
        const shown = (s.role && s.role.displayName) || display || `${role} @ ${acct}`;
        notify(`You are now using ${shown}.`);
        go('#/');
      } catch (err) {
        errs.show(err);
      }
    });
  });
  (account.input.value ? (roleName.input.value ? displayName.input : roleName.input) : account.input).focus();
}
