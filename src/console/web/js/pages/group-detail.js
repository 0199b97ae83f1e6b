// A user group: summary, Users (add, remove), Permissions (attached and inline policies), delete.

import {call, callAll, text} from '../api.js';
import {confirmDialog, container, copyButton, errorAlert, formatDate, h, loading, notify, pageHeader, table,
        tabs} from '../ui.js';
import {loadPolicies, policyPicker, policyType} from './user-create.js';
import {accessAdvisor, inlinePolicyForm, prettyDocument} from './user-detail.js';
import {deleteGroup} from './groups.js';

export async function render(main, route) {
  const name = route.params.name;
  const g = {GroupName: name};
  main.append(pageHeader({title: name, crumbs: [{label: 'IAM', href: '#/'}, {label: 'User groups', href: '#/groups'}, {label: name}]}));
  let group;
  try {
    group = await call('GetGroup', {...g, MaxItems: '1'});
  } catch (err) {
    main.append(errorAlert(err));
    return;
  }
  const groupEl = group.getElementsByTagNameNS('*', 'Group')[0] || group;
  const arn = text(groupEl, 'Arn');
  main.querySelector('.page-header').append(h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'btn', id: 'group-delete', on: {click: async () => {
        const ok = await confirmDialog({title: `Delete ${name}?`,
                                        body: 'Deleting the group removes its users from it and deletes its inline policies and attachments.',
                                        confirmLabel: 'Delete', requireText: name});
        if (!ok) return;
        try {
          await deleteGroup(name);
          notify(`User group ${name} deleted.`);
          location.hash = '#/groups';
        } catch (err) {
          main.querySelector('.page-top').after(errorAlert(err));
        }
      }}}, 'Delete')));
  main.append(container({title: 'Summary', body: h('div', {class: 'summary'},
      h('div', {}, h('span', {class: 'label'}, 'User group name'), h('div', {class: 'value'}, name)),
      h('div', {}, h('span', {class: 'label'}, 'Creation time'), h('div', {class: 'value'}, formatDate(text(groupEl, 'CreateDate')))),
      h('div', {}, h('span', {class: 'label'}, 'ARN'),
        h('div', {class: 'value'}, h('span', {class: 'break', id: 'group-arn'}, arn), ' ', copyButton(arn, 'Copy ARN'))))}));

  main.append(tabs([
    {id: 'users', label: 'Users', render: usersTab},
    {id: 'permissions', label: 'Permissions', render: permissionsTab},
    {id: 'access_advisor', label: 'Access Advisor', render: (panel) => accessAdvisor(panel, arn)},
  ], route.query.get('tab') || 'users'));

  async function usersTab(panel) {
    panel.append(loading('Loading users'));
    const users = (await callAll('GetGroup', g, 'Users')).map((u) => ({name: text(u, 'UserName'), path: text(u, 'Path'),
                                                                       created: text(u, 'CreateDate'), lastUsed: text(u, 'PasswordLastUsed')}));
    const area = h('div');
    const removeBtn = h('button', {type: 'button', class: 'btn', id: 'group-users-remove', disabled: true}, 'Remove users');
    const addBtn = h('button', {type: 'button', class: 'btn btn-primary', id: 'group-users-add'}, 'Add users');
    const t = table({columns: [{header: 'User name', cell: (u) => h('a', {href: `#/users/${encodeURIComponent(u.name)}`}, u.name)},
                               {header: 'Path', cell: (u) => u.path},
                               {header: 'Creation time', cell: (u) => formatDate(u.created)}],
                     rows: users, selectable: 'multi', label: 'Users in this group', searchLabel: 'Search users',
                     filter: (u) => u.name, rowLabel: (u) => u.name, empty: 'No users in this group',
                     onSelect: (sel) => {
                       removeBtn.disabled = !sel.length;
                     }});
    const again = () => {
      panel.replaceChildren();
      usersTab(panel).catch((err) => panel.append(errorAlert(err)));
    };
    removeBtn.addEventListener('click', async () => {
      const sel = t.selected();
      const ok = await confirmDialog({title: `Remove ${sel.length === 1 ? sel[0].name : `${sel.length} users`} from ${name}?`,
                                      body: 'The users lose the permissions they have through this group.', confirmLabel: 'Remove users'});
      if (!ok) return;
      try {
        for (const u of sel) await call('RemoveUserFromGroup', {...g, UserName: u.name});
        notify(`Removed ${sel.map((u) => u.name).join(', ')} from ${name}.`);
        again();
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    });
    addBtn.addEventListener('click', async () => {
      area.replaceChildren(loading('Loading users'));
      try {
        const have = new Set(users.map((u) => u.name));
        const others = (await callAll('ListUsers', {}, 'Users')).map((u) => ({name: text(u, 'UserName'), path: text(u, 'Path')}))
            .filter((u) => !have.has(u.name));
        const pick = table({columns: [{header: 'User name', cell: (u) => u.name}, {header: 'Path', cell: (u) => u.path}],
                            rows: others, selectable: 'multi', label: 'Other users', searchLabel: 'Search users',
                            filter: (u) => u.name, rowLabel: (u) => u.name, empty: 'No other users', pageSize: 10});
        const err = h('div');
        const go = h('button', {type: 'button', class: 'btn btn-primary', id: 'group-users-add-submit', on: {click: async () => {
          const sel = pick.selected();
          if (!sel.length) {
            err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Choose at least one user.'}));
            return;
          }
          try {
            for (const u of sel) await call('AddUserToGroup', {...g, UserName: u.name});
            notify(`Added ${sel.map((u) => u.name).join(', ')} to ${name}.`);
            again();
          } catch (ex) {
            err.replaceChildren(errorAlert(ex));
          }
        }}}, 'Add users');
        area.replaceChildren(container({title: `Add users to ${name}`, level: 'h3', body: [err, pick.el, h('div', {class: 'actions'},
            h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Cancel'), go)]}));
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    });
    panel.replaceChildren(container({title: 'Users in this group', count: users.length, actions: [removeBtn, addBtn], body: [area, t.el]}));
  }

  async function permissionsTab(panel) {
    panel.append(loading('Loading permissions'));
    const [attached, inline] = await Promise.all([callAll('ListAttachedGroupPolicies', g, 'AttachedPolicies'),
                                                  callAll('ListGroupPolicies', g, 'PolicyNames')]);
    const rows = [
      ...attached.map((p) => {
        const a = text(p, 'PolicyArn');
        return {name: text(p, 'PolicyName'), arn: a, type: policyType({arn: a, path: a.split(':policy')[1] || ''}), kind: 'managed'};
      }),
      ...inline.map((p) => ({name: p.textContent, type: 'Customer inline', kind: 'inline'})),
    ];
    const area = h('div');
    const again = () => {
      panel.replaceChildren();
      permissionsTab(panel).catch((err) => panel.append(errorAlert(err)));
    };
    const removeBtn = h('button', {type: 'button', class: 'btn', id: 'group-perm-remove', disabled: true}, 'Remove');
    const addBtn = h('button', {type: 'button', class: 'btn btn-primary', id: 'group-perm-add', on: {click: attach}}, 'Attach policies');
    const inlineBtn = h('button', {type: 'button', class: 'btn', id: 'group-inline-create', on: {click: async () => {
      area.replaceChildren(await inlinePolicyForm({idPrefix: 'group-inline', onCancel: () => area.replaceChildren(),
                                                   onSave: async (n, doc) => {
                                                     await call('PutGroupPolicy', {...g, PolicyName: n, PolicyDocument: doc});
                                                     notify(`Policy ${n} created.`);
                                                     again();
                                                   }}));
      area.querySelector('input')?.focus();
    }}}, 'Create inline policy');
    const t = table({
      columns: [
        {header: 'Policy name', cell: (r) => (r.arn ? h('a', {href: `#/policies/${encodeURIComponent(r.arn)}`}, r.name) : r.name)},
        {header: 'Type', cell: (r) => r.type},
        {header: 'Actions', cell: (r) => (r.kind === 'inline'
            ? h('span', {class: 'actions'},
                h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `View ${r.name}`, on: {click: () => view(r.name)}}, 'View'),
                h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `Edit ${r.name}`, on: {click: () => edit(r.name)}}, 'Edit'))
            : '')},
      ],
      rows, selectable: 'multi', label: 'Permissions policies', searchLabel: 'Search policies', filter: (r) => r.name,
      rowLabel: (r) => r.name, empty: 'No permissions policies',
      onSelect: (sel) => {
        removeBtn.disabled = !sel.length;
      },
    });
    removeBtn.addEventListener('click', async () => {
      const sel = t.selected();
      const ok = await confirmDialog({title: `Remove ${sel.length === 1 ? sel[0].name : `${sel.length} policies`}?`,
                                      body: 'Managed policies are detached from the group; inline policies are deleted.', confirmLabel: 'Remove'});
      if (!ok) return;
      try {
        for (const r of sel) {
          if (r.kind === 'managed') await call('DetachGroupPolicy', {...g, PolicyArn: r.arn});
          else await call('DeleteGroupPolicy', {...g, PolicyName: r.name});
        }
        notify(`Removed ${sel.map((r) => r.name).join(', ')}.`);
        again();
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    });
    async function attach() {
      area.replaceChildren(loading('Loading policies'));
      try {
        const have = new Set(rows.filter((r) => r.kind === 'managed').map((r) => r.arn));
        const picker = policyPicker({policies: (await loadPolicies()).filter((p) => !have.has(p.arn)), label: 'Other permissions policies',
                                     idPrefix: 'group-attach'});
        const err = h('div');
        const go = h('button', {type: 'button', class: 'btn btn-primary', id: 'group-attach-submit', on: {click: async () => {
          const sel = picker.selected();
          if (!sel.length) {
            err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Choose at least one policy.'}));
            return;
          }
          try {
            for (const p of sel) await call('AttachGroupPolicy', {...g, PolicyArn: p.arn});
            notify(`Attached ${sel.map((p) => p.name).join(', ')} to ${name}.`);
            again();
          } catch (ex) {
            err.replaceChildren(errorAlert(ex));
          }
        }}}, 'Attach policies');
        area.replaceChildren(container({title: 'Attach permission policies', level: 'h3', body: [err, picker.el, h('div', {class: 'actions'},
            h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Cancel'), go)]}));
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    }
    async function fetchDoc(n) {
      return prettyDocument(text(await call('GetGroupPolicy', {...g, PolicyName: n}), 'PolicyDocument'));
    }
    async function view(n) {
      try {
        const doc = await fetchDoc(n);
        area.replaceChildren(container({title: n, level: 'h3', description: 'Customer inline', actions: [
          h('button', {type: 'button', class: 'btn', on: {click: () => edit(n)}}, 'Edit'),
          h('button', {type: 'button', class: 'btn', on: {click: async () => {
            if (!(await confirmDialog({title: `Delete ${n}?`, body: 'The inline policy is deleted from the group.', confirmLabel: 'Delete'}))) return;
            try {
              await call('DeleteGroupPolicy', {...g, PolicyName: n});
              notify(`Policy ${n} deleted.`);
              again();
            } catch (err) {
              area.prepend(errorAlert(err));
            }
          }}}, 'Delete'),
          h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Close')],
        body: h('pre', {class: 'code', tabindex: '0', 'aria-label': `Policy document of ${n}`}, doc)}));
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    }
    async function edit(n) {
      try {
        const doc = await fetchDoc(n);
        area.replaceChildren(await inlinePolicyForm({name: n, document: doc, editing: true, idPrefix: 'group-inline-edit',
                                                     onCancel: () => area.replaceChildren(),
                                                     onSave: async (nm, d) => {
                                                       await call('PutGroupPolicy', {...g, PolicyName: nm, PolicyDocument: d});
                                                       notify(`Policy ${nm} saved.`);
                                                       again();
                                                     }}));
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    }
    panel.replaceChildren(container({title: 'Permissions policies', count: rows.length, actions: [removeBtn, inlineBtn, addBtn],
                                     description: 'You can attach up to 10 managed policies.', body: [area, t.el]}));
  }
}
