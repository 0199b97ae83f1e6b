// User groups: the list (search, paging, users and permissions per visible row) and deleting the
// selected groups with what blocks DeleteGroup (members, attached and inline policies).

import {call, callAll, members, text} from '../api.js';
import {confirmDialog, errorAlert, formatDate, h, notify, pageHeader, table, timeAgo} from '../ui.js';

// Removes the members, detaches the managed policies, deletes the inline ones, then the group.
export async function deleteGroup(name) {
  const g = {GroupName: name};
  // DeleteGroup first: a caller who may not delete the group is refused before any member or
  // policy is removed (authorization comes before the DeleteConflict check). [IMPL]
  try {
    await call('DeleteGroup', g);
    return;
  } catch (err) {
    if (err.code !== 'DeleteConflict') throw err;
  }
  for (const u of await callAll('GetGroup', g, 'Users')) {
    await call('RemoveUserFromGroup', {...g, UserName: text(u, 'UserName')});
  }
  for (const p of await callAll('ListAttachedGroupPolicies', g, 'AttachedPolicies')) {
    await call('DetachGroupPolicy', {...g, PolicyArn: text(p, 'PolicyArn')});
  }
  for (const p of await callAll('ListGroupPolicies', g, 'PolicyNames')) {
    await call('DeleteGroupPolicy', {...g, PolicyName: p.textContent});
  }
  await call('DeleteGroup', g);
}

export async function render(main) {
  const deleteBtn = h('button', {type: 'button', class: 'btn', id: 'groups-delete', disabled: true}, 'Delete');
  main.append(pageHeader({title: 'User groups', crumbs: [{label: 'IAM', href: '#/'}, {label: 'User groups'}],
                          description: 'A user group is a collection of IAM users. Use groups to specify permissions for a collection of users.',
                          actions: [deleteBtn, h('a', {class: 'btn btn-primary', href: '#/groups/create', id: 'groups-create'}, 'Create group')]}));
  const countEl = h('span', {class: 'muted'});
  const body = h('div', {class: 'container-body'}, h('p', {class: 'muted', role: 'status'}, 'Loading user groups…'));
  main.append(h('section', {class: 'container'}, h('div', {class: 'container-header'}, h('h2', {}, 'User groups ', countEl)), body));

  const details = new Map();
  function detailsOf(name) {
    if (!details.has(name)) {
      const g = {GroupName: name};
      const part = (p) => p.then((v) => ({ok: true, v}), (err) => ({ok: false, err}));
      details.set(name, Promise.all([
        part(callAll('GetGroup', g, 'Users')),
        part(Promise.all([call('ListAttachedGroupPolicies', g), call('ListGroupPolicies', g)])
            .then(([a, i]) => members(a, 'AttachedPolicies').length + members(i, 'PolicyNames').length)),
      ]).then(([users, policies]) => ({users, policies})));
    }
    return details.get(name);
  }
  const later = (row, fill) => {
    const span = h('span', {class: 'muted'}, '…');
    detailsOf(row.name).then((d) => {
      span.className = '';
      span.replaceChildren(fill(d));
    });
    return span;
  };
  const denied = (p) => h('span', {class: 'muted', title: `${p.err.code}: ${p.err.message}`}, 'Not allowed');

  let t = null;
  async function load() {
    let groups;
    try {
      groups = await callAll('ListGroups', {}, 'Groups');
    } catch (err) {
      body.replaceChildren(errorAlert(err));
      return;
    }
    const rows = groups.map((g) => ({name: text(g, 'GroupName'), path: text(g, 'Path'), created: text(g, 'CreateDate')}));
    countEl.textContent = `(${rows.length})`;
    const columns = [
      {header: 'Group name', cell: (r) => h('a', {href: `#/groups/${encodeURIComponent(r.name)}`}, r.name)},
      {header: 'Users', cell: (r) => later(r, (d) => (d.users.ok ? String(d.users.v.length) : denied(d.users)))},
      {header: 'Permissions', cell: (r) => later(r, (d) => (d.policies.ok ? (d.policies.v ? 'Defined' : 'Not defined') : denied(d.policies)))},
      {header: 'Creation time', cell: (r) => h('span', {title: formatDate(r.created)}, timeAgo(r.created))},
    ];
    if (!t) {
      t = table({columns, rows, selectable: 'multi', empty: 'No user groups to display', label: 'User groups',
                 searchLabel: 'Search user groups', filter: (r) => r.name, rowLabel: (r) => r.name,
                 onSelect: (sel) => {
                   deleteBtn.disabled = !sel.length;
                 }});
      body.replaceChildren(t.el);
    } else {
      t.setRows(rows);
    }
  }

  deleteBtn.addEventListener('click', async () => {
    const names = t.selected().map((r) => r.name);
    if (!names.length) return;
    const one = names.length === 1;
    const ok = await confirmDialog({title: one ? `Delete ${names[0]}?` : `Delete ${names.length} user groups?`,
                                    body: h('div', {}, h('p', {}, 'Deleting a group removes its users from it and deletes its inline policies and attachments. Its users lose the permissions they had through it.'),
                                            h('ul', {class: 'plain-list'}, names.map((n) => h('li', {}, n)))),
                                    confirmLabel: 'Delete', requireText: one ? names[0] : 'delete'});
    if (!ok) return;
    const done = [];
    try {
      for (const n of names) {
        await deleteGroup(n);
        done.push(n);
      }
      notify(one ? `User group ${names[0]} deleted.` : `${done.length} user groups deleted.`);
    } catch (err) {
      if (done.length) notify(`Deleted ${done.join(', ')}.`);
      main.querySelector('.page-top').after(errorAlert(err));
    }
    details.clear();
    t.clearSelection();
    await load();
  });

  await load();
}
