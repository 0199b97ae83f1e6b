// Create user group: name, users to add, policies to attach (AWS's one-page form).

import {call, callAll, text} from '../api.js';
import {container, errorAlert, h, loading, notify, pageHeader, table, textField} from '../ui.js';
import {loadPolicies, policyPicker} from './user-create.js';

const GROUP_NAME_RE = /^[\w+=,.@-]{1,128}$/;

export async function render(main) {
  main.append(pageHeader({title: 'Create user group', crumbs: [{label: 'IAM', href: '#/'}, {label: 'User groups', href: '#/groups'},
                                                                {label: 'Create user group'}]}));
  const err = h('div');
  const name = textField({label: 'User group name', id: 'group-name',
                          hint: 'Maximum 128 characters. Use alphanumeric and \'+=,.@-_\' characters.'});
  const usersBox = h('div', {}, loading('Loading users'));
  const policiesBox = h('div', {}, loading('Loading policies'));
  const create = h('button', {type: 'button', class: 'btn btn-primary', id: 'group-create-submit'}, 'Create user group');
  main.append(err,
              container({title: 'Name the group', body: name}),
              container({title: 'Add users to the group - Optional', body: usersBox}),
              container({title: 'Attach permissions policies - Optional', body: policiesBox}),
              h('div', {class: 'actions actions-end'}, h('a', {class: 'btn btn-link', href: '#/groups'}, 'Cancel'), create));

  let usersTable = null;
  let picker = null;
  (async () => {
    try {
      const users = (await callAll('ListUsers', {}, 'Users')).map((u) => ({name: text(u, 'UserName'), path: text(u, 'Path'),
                                                                            created: text(u, 'CreateDate')}));
      usersTable = table({columns: [{header: 'User name', cell: (u) => u.name}, {header: 'Path', cell: (u) => u.path}],
                          rows: users, selectable: 'multi', label: 'Users', searchLabel: 'Search users', filter: (u) => u.name,
                          rowLabel: (u) => u.name, empty: 'No users', pageSize: 10});
      usersBox.replaceChildren(usersTable.el);
    } catch (ex) {
      usersBox.replaceChildren(errorAlert(ex));
    }
  })();
  (async () => {
    try {
      picker = policyPicker({policies: await loadPolicies(), label: 'Permissions policies', idPrefix: 'group-pol'});
      policiesBox.replaceChildren(picker.el);
    } catch (ex) {
      policiesBox.replaceChildren(errorAlert(ex));
    }
  })();

  create.addEventListener('click', async () => {
    err.replaceChildren();
    const n = name.input.value.trim();
    if (!GROUP_NAME_RE.test(n)) {
      err.replaceChildren(errorAlert({code: 'InvalidInput',
                                      message: 'Enter a group name of up to 128 characters: A-Z, a-z, 0-9, and + = , . @ _ - (hyphen).'}));
      name.input.focus();
      return;
    }
    create.disabled = true;
    try {
      await call('CreateGroup', {GroupName: n});
    } catch (ex) {
      create.disabled = false;
      err.replaceChildren(errorAlert(ex));
      err.scrollIntoView({block: 'nearest'});
      return;
    }
    const done = [];
    try {
      for (const u of usersTable ? usersTable.selected() : []) {
        await call('AddUserToGroup', {GroupName: n, UserName: u.name});
        done.push(`Added ${u.name}.`);
      }
      for (const p of picker ? picker.selected() : []) {
        await call('AttachGroupPolicy', {GroupName: n, PolicyArn: p.arn});
        done.push(`Attached ${p.name}.`);
      }
    } catch (ex) {
      main.replaceChildren(pageHeader({title: 'Create user group', crumbs: [{label: 'IAM', href: '#/'}, {label: 'User groups', href: '#/groups'}]}),
                           h('div', {class: 'alert alert-warning', role: 'alert'},
                             h('p', {class: 'alert-title'}, `User group ${n} was created, but not everything you chose was applied.`),
                             h('ul', {class: 'plain-list'}, done.map((d) => h('li', {}, d)))),
                           errorAlert(ex),
                           h('p', {}, h('a', {class: 'btn btn-primary', href: `#/groups/${encodeURIComponent(n)}`}, 'View group')));
      return;
    }
    notify(`${n} user group created.`);
    location.hash = `#/groups/${encodeURIComponent(n)}`;
  });
}
