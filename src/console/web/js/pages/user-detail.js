// A user: summary (ARN, created, console access, access keys, last sign-in) and the tabs
// Permissions, Groups, Tags and Security credentials (console password, MFA, access keys).

import {call, callAll, text} from '../api.js';
import {checkbox, confirmDialog, container, copyButton, downloadFile, errorAlert, formatDate, h, loading, notify, pageHeader,
        radioGroup, table, tabs, textField, timeAgo} from '../ui.js';
import {csv, generatePassword, loadGroups, loadPolicies, policyPicker, policyType, retrievePassword, tagEditor,
        tagProblem} from './user-create.js';
import {deleteUser} from './users.js';

// B's JSON editor when it is there, a labelled textarea otherwise: {el, value(), valid()}.
export async function makePolicyEditor({label, value = '', kind = 'identity', id = 'policy-document'}) {
  try {
    const mod = await import('../policy-editor.js');
    if (typeof mod.policyEditor === 'function') return mod.policyEditor({label, value, kind});
  } catch {
    // No editor module: the plain textarea below.
  }
  const ta = h('textarea', {id, class: 'input', spellcheck: 'false', rows: '18'});
  ta.value = value;
  return {
    el: h('div', {class: 'field'}, h('label', {for: id, class: 'field-label'}, label), ta),
    value: () => ta.value,
    valid: () => {
      try {
        JSON.parse(ta.value);
        return true;
      } catch {
        return false;
      }
    },
  };
}

export const EMPTY_POLICY = JSON.stringify({Version: '2012-10-17', Statement: [{Sid: 'Statement1', Effect: 'Allow', Action: [],
                                                                                 Resource: []}]}, null, 4);

export function prettyDocument(encoded) {
  let doc = encoded;
  try {
    doc = decodeURIComponent(encoded);
  } catch {
    doc = encoded;
  }
  try {
    return JSON.stringify(JSON.parse(doc), null, 4);
  } catch {
    return doc;
  }
}

// A panel to create or edit an inline policy; onSave(name, document) does the call.
export async function inlinePolicyForm({name = '', document = EMPTY_POLICY, editing = false, onSave, onCancel,
                                        idPrefix = 'inline'}) {
  const err = h('div');
  const nameField = editing ? null : textField({label: 'Policy name', id: `${idPrefix}-name`,
                                                  hint: 'Maximum 128 characters. Use alphanumeric and \'+=,.@-_\' characters.'});
  const editor = await makePolicyEditor({label: 'Policy editor', value: document, kind: 'identity', id: `${idPrefix}-document`});
  const save = h('button', {type: 'submit', class: 'btn btn-primary', id: `${idPrefix}-save`}, editing ? 'Save changes' : 'Create policy');
  const form = h('form', {class: 'inline-policy-form', novalidate: true, on: {submit: async (e) => {
    e.preventDefault();
    err.replaceChildren();
    const n = editing ? name : nameField.input.value.trim();
    if (!n) {
      err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Enter a policy name.'}));
      return;
    }
    if (!(await editor.valid())) {
      err.replaceChildren(errorAlert({code: 'MalformedPolicyDocument', message: 'Fix the errors in the policy document first.'}));
      return;
    }
    save.disabled = true;
    try {
      await onSave(n, editor.value());
    } catch (ex) {
      save.disabled = false;
      err.replaceChildren(errorAlert(ex));
    }
  }}}, nameField, editor.el, h('div', {class: 'actions'}, h('button', {type: 'button', class: 'btn btn-link', on: {click: onCancel}}, 'Cancel'), save));
  return container({title: editing ? `Edit ${name}` : 'Create inline policy', body: [err, form]});
}

// A key/value table of tags with "Manage tags" (TagX / UntagX by the difference).
export async function tagsPanel(panel, {list, tagAction, untagAction, idParams, idPrefix = 'tags'}) {
  const tags = (await callAll(list, idParams, 'Tags')).map((t) => ({key: text(t, 'Key'), value: text(t, 'Value')}));
  function view() {
    panel.replaceChildren(container({
      title: 'Tags', count: tags.length,
      actions: h('button', {type: 'button', class: 'btn', id: `${idPrefix}-manage`, on: {click: edit}}, 'Manage tags'),
      body: tags.length ? h('table', {class: 'table'}, h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Key'), h('th', {scope: 'col'}, 'Value'))),
                            h('tbody', {}, tags.map((t) => h('tr', {}, h('td', {}, t.key), h('td', {}, t.value || '-')))))
                        : h('p', {class: 'muted'}, 'No tags associated with the resource.')}));
  }
  function edit() {
    const draft = tags.map((t) => ({...t}));
    const err = h('div');
    const save = h('button', {type: 'button', class: 'btn btn-primary', id: `${idPrefix}-save`}, 'Save changes');
    save.addEventListener('click', async () => {
      err.replaceChildren();
      const problem = tagProblem(draft);
      if (problem) {
        err.replaceChildren(errorAlert({code: 'InvalidInput', message: problem}));
        return;
      }
      const removed = tags.filter((t) => !draft.some((d) => d.key === t.key)).map((t) => t.key);
      const changed = draft.filter((d) => !tags.some((t) => t.key === d.key && t.value === d.value));
      save.disabled = true;
      try {
        if (changed.length) {
          const p = {...idParams};
          changed.forEach((t, i) => {
            p[`Tags.member.${i + 1}.Key`] = t.key;
            p[`Tags.member.${i + 1}.Value`] = t.value;
          });
          await call(tagAction, p);
        }
        if (removed.length) {
          const p = {...idParams};
          removed.forEach((k, i) => {
            p[`TagKeys.member.${i + 1}`] = k;
          });
          await call(untagAction, p);
        }
        tags.splice(0, tags.length, ...draft.map((d) => ({key: d.key, value: d.value})));
        notify('Tags saved.');
        view();
      } catch (ex) {
        save.disabled = false;
        err.replaceChildren(errorAlert(ex));
        // What the server holds now.
        const now = (await callAll(list, idParams, 'Tags').catch(() => null));
        if (now) tags.splice(0, tags.length, ...now.map((t) => ({key: text(t, 'Key'), value: text(t, 'Value')})));
      }
    });
    panel.replaceChildren(container({title: 'Manage tags', body: [err, tagEditor(draft, {idPrefix}),
                                                                  h('div', {class: 'actions'},
                                                                    h('button', {type: 'button', class: 'btn btn-link', on: {click: view}}, 'Cancel'), save)]}));
    const first = panel.querySelector('input');
    if (first) first.focus();
  }
  view();
}

function keyAge(created) {
  return created ? `Created ${timeAgo(created).toLowerCase()}` : '';
}

export async function render(main, route) {
  const name = route.params.name;
  const session = route.session;
  const u = {UserName: name};
  main.append(pageHeader({title: name, crumbs: [{label: 'IAM', href: '#/'}, {label: 'Users', href: '#/users'}, {label: name}]}));
  let user;
  try {
    user = await call('GetUser', u);
  } catch (err) {
    main.append(errorAlert(err));
    return;
  }
  const arn = text(user, 'Arn');
  const deleteBtn = h('button', {type: 'button', class: 'btn', id: 'user-delete', on: {click: async () => {
    const ok = await confirmDialog({title: `Delete ${name}?`,
                                    body: 'Deleting the user also deletes its console password, access keys, certificates, SSH keys and inline policies, deactivates its MFA devices, detaches its policies and removes it from its groups. This cannot be undone.',
                                    confirmLabel: 'Delete', requireText: name});
    if (!ok) return;
    try {
      await deleteUser(name);
      notify(`User ${name} deleted.`);
      location.hash = '#/users';
    } catch (err) {
      main.querySelector('.page-top').after(errorAlert(err));
    }
  }}}, 'Delete');
  main.querySelector('.page-header').append(h('div', {class: 'actions'}, deleteBtn));

  const summary = h('div', {class: 'summary'});
  main.append(container({title: 'Summary', body: summary}));
  async function drawSummary() {
    const cell = (label, value, id = null) => h('div', {}, h('span', {class: 'label'}, label), h('div', {class: 'value', id}, value));
    let consoleAccess = '…';
    let keys = [];
    let mfa = [];
    try {
      const [login, k, m] = await Promise.all([
        call('GetLoginProfile', u).catch((e) => (e.code === 'NoSuchEntity' ? null : Promise.reject(e))),
        callAll('ListAccessKeys', u, 'AccessKeyMetadata'), callAll('ListMFADevices', u, 'MFADevices')]);
      keys = k;
      mfa = m;
      consoleAccess = login ? (mfa.length ? 'Enabled with MFA' : 'Enabled without MFA') : 'Disabled';
    } catch (err) {
      consoleAccess = h('span', {class: 'muted', title: err.message}, err.code);
    }
    const keyCell = (i) => {
      const k = keys[i];
      if (!k) return 'Not enabled';
      return h('span', {}, h('span', {class: 'mono'}, text(k, 'AccessKeyId')), ` - ${text(k, 'Status')}`, h('br'),
               h('span', {class: 'muted'}, keyAge(text(k, 'CreateDate'))));
    };
    const last = text(user, 'PasswordLastUsed');
    summary.replaceChildren(
        cell('ARN', h('span', {}, h('span', {class: 'break', id: 'user-arn'}, arn), ' ', copyButton(arn, 'Copy ARN'))),
        cell('Created', formatDate(text(user, 'CreateDate'))),
        cell('Console access', consoleAccess, 'user-console-access'),
        cell('Access key 1', keyCell(0)),
        cell('Access key 2', keyCell(1)),
        cell('Last console sign-in', last ? formatDate(last) : 'Never'));
  }
  await drawSummary();

  main.append(tabs([
    {id: 'permissions', label: 'Permissions', render: permissionsTab},
    {id: 'groups', label: 'Groups', render: groupsTab},
    {id: 'tags', label: 'Tags', render: (panel) => tagsPanel(panel, {list: 'ListUserTags', tagAction: 'TagUser',
                                                                      untagAction: 'UntagUser', idParams: u, idPrefix: 'user-tags'})},
    {id: 'security_credentials', label: 'Security credentials', render: credentialsTab},
    {id: 'access_advisor', label: 'Access Advisor', render: (panel) => accessAdvisor(panel, arn)},
  ], route.query.get('tab') || 'permissions'));

  // ---- Permissions ----
  async function permissionsTab(panel) {
    panel.append(loading('Loading permissions'));
    const [attached, inline, groups] = await Promise.all([
      callAll('ListAttachedUserPolicies', u, 'AttachedPolicies'), callAll('ListUserPolicies', u, 'PolicyNames'),
      callAll('ListGroupsForUser', u, 'Groups')]);
    const rows = [];
    for (const p of attached) {
      const a = text(p, 'PolicyArn');
      rows.push({name: text(p, 'PolicyName'), arn: a, type: policyType({arn: a, path: a.split(':policy')[1] || ''}), via: 'Directly',
                 kind: 'managed'});
    }
    for (const p of inline) rows.push({name: p.textContent, type: 'Customer inline', via: 'Inline', kind: 'inline'});
    const groupRows = await Promise.all(groups.map(async (g) => {
      const gn = text(g, 'GroupName');
      try {
        const [ga, gi] = await Promise.all([callAll('ListAttachedGroupPolicies', {GroupName: gn}, 'AttachedPolicies'),
                                            callAll('ListGroupPolicies', {GroupName: gn}, 'PolicyNames')]);
        return [...ga.map((p) => {
          const a = text(p, 'PolicyArn');
          return {name: text(p, 'PolicyName'), arn: a, type: policyType({arn: a, path: a.split(':policy')[1] || ''}),
                  via: `Group ${gn}`, kind: 'group'};
        }), ...gi.map((p) => ({name: p.textContent, type: 'Customer inline', via: `Group ${gn}`, kind: 'group', group: gn}))];
      } catch (err) {
        return [{name: `(${err.code})`, type: '-', via: `Group ${gn}`, kind: 'group'}];
      }
    }));
    rows.push(...groupRows.flat());

    const area = h('div');
    const removeBtn = h('button', {type: 'button', class: 'btn', id: 'user-perm-remove', disabled: true}, 'Remove');
    const addBtn = h('button', {type: 'button', class: 'btn btn-primary', id: 'user-perm-add', on: {click: showAttach}}, 'Add permissions');
    const inlineBtn = h('button', {type: 'button', class: 'btn', id: 'user-inline-create', on: {click: showInline}}, 'Create inline policy');
    const t = table({
      columns: [
        {header: 'Policy name', cell: (r) => (r.arn ? h('a', {href: `#/policies/${encodeURIComponent(r.arn)}`}, r.name)
                                                    : r.kind === 'inline' ? h('button', {type: 'button', class: 'linkish', on: {click: () => showInlineView(r.name)}}, r.name)
                                                    : r.name)},
        {header: 'Type', cell: (r) => r.type},
        {header: 'Attached via', cell: (r) => r.via},
        {header: 'Actions', cell: (r) => (r.kind === 'inline'
            ? h('span', {class: 'actions'},
                h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `View ${r.name}`, on: {click: () => showInlineView(r.name)}}, 'View'),
                h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `Edit ${r.name}`, on: {click: () => showInlineEdit(r.name)}}, 'Edit'))
            : '')},
      ],
      rows, selectable: 'multi', label: 'Permissions policies', searchLabel: 'Search policies', filter: (r) => `${r.name} ${r.via}`,
      rowLabel: (r) => r.name, empty: 'No permissions policies', pageSize: 20,
      onSelect: (sel) => {
        removeBtn.disabled = !sel.length || sel.some((r) => r.kind === 'group');
        removeBtn.title = sel.some((r) => r.kind === 'group') ? 'Policies attached through a group are removed on the group.' : '';
      },
    });
    removeBtn.addEventListener('click', async () => {
      const sel = t.selected();
      const ok = await confirmDialog({title: `Remove ${sel.length === 1 ? sel[0].name : `${sel.length} policies`}?`,
                                      body: h('div', {}, h('p', {}, 'Managed policies are detached from the user; inline policies are deleted.'),
                                              h('ul', {class: 'plain-list'}, sel.map((r) => h('li', {}, r.name)))),
                                      confirmLabel: 'Remove policy'});
      if (!ok) return;
      try {
        for (const r of sel) {
          if (r.kind === 'managed') await call('DetachUserPolicy', {...u, PolicyArn: r.arn});
          else if (r.kind === 'inline') await call('DeleteUserPolicy', {...u, PolicyName: r.name});
        }
        notify(`Removed ${sel.map((r) => r.name).join(', ')}.`);
        rerender();
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    });
    function rerender() {
      panel.replaceChildren();
      permissionsTab(panel).catch((err) => panel.append(errorAlert(err)));
    }
    async function showAttach() {
      area.replaceChildren(loading('Loading policies'));
      try {
        const all = await loadPolicies();
        const have = new Set(rows.filter((r) => r.kind === 'managed').map((r) => r.arn));
        const picker = policyPicker({policies: all.filter((p) => !have.has(p.arn)), label: 'Other permissions policies',
                                     idPrefix: 'user-attach'});
        const err = h('div');
        const go = h('button', {type: 'button', class: 'btn btn-primary', id: 'user-attach-submit', on: {click: async () => {
          const sel = picker.selected();
          if (!sel.length) {
            err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Choose at least one policy.'}));
            return;
          }
          go.disabled = true;
          try {
            for (const p of sel) await call('AttachUserPolicy', {...u, PolicyArn: p.arn});
            notify(`Attached ${sel.map((p) => p.name).join(', ')}.`);
            rerender();
          } catch (ex) {
            go.disabled = false;
            err.replaceChildren(errorAlert(ex));
          }
        }}}, 'Add permissions');
        area.replaceChildren(container({title: 'Attach policies directly', body: [err, picker.el, h('div', {class: 'actions'},
            h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Cancel'), go)]}));
        area.querySelector('input[type=search]')?.focus();
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    }
    async function showInline() {
      area.replaceChildren(await inlinePolicyForm({idPrefix: 'user-inline', onCancel: () => area.replaceChildren(),
                                                   onSave: async (n, doc) => {
                                                     await call('PutUserPolicy', {...u, PolicyName: n, PolicyDocument: doc});
                                                     notify(`Policy ${n} created.`);
                                                     rerender();
                                                   }}));
      area.querySelector('input')?.focus();
    }
    async function fetchInline(n) {
      return prettyDocument(text(await call('GetUserPolicy', {...u, PolicyName: n}), 'PolicyDocument'));
    }
    async function showInlineView(n) {
      try {
        const doc = await fetchInline(n);
        area.replaceChildren(container({title: n, description: 'Customer inline', actions: [
          h('button', {type: 'button', class: 'btn', on: {click: () => showInlineEdit(n)}}, 'Edit'),
          h('button', {type: 'button', class: 'btn', on: {click: async () => {
            const ok = await confirmDialog({title: `Delete ${n}?`, body: 'The inline policy is deleted from the user.', confirmLabel: 'Delete'});
            if (!ok) return;
            try {
              await call('DeleteUserPolicy', {...u, PolicyName: n});
              notify(`Policy ${n} deleted.`);
              rerender();
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
    async function showInlineEdit(n) {
      try {
        const doc = await fetchInline(n);
        area.replaceChildren(await inlinePolicyForm({name: n, document: doc, editing: true, idPrefix: 'user-inline-edit',
                                                     onCancel: () => area.replaceChildren(),
                                                     onSave: async (nm, d) => {
                                                       await call('PutUserPolicy', {...u, PolicyName: nm, PolicyDocument: d});
                                                       notify(`Policy ${nm} saved.`);
                                                       rerender();
                                                     }}));
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    }
    panel.replaceChildren(
        container({title: 'Permissions policies', count: rows.length, actions: [removeBtn, inlineBtn, addBtn],
                   description: 'Permissions are defined by policies attached to the user directly or through groups.', body: [area, t.el]}),
        await boundarySection());
  }

  async function boundarySection() {
    const fresh = await call('GetUser', u);
    const b = fresh.getElementsByTagNameNS('*', 'PermissionsBoundary')[0];
    const barn = b ? text(b, 'PermissionsBoundaryArn') : null;
    const box = h('div');
    const err = h('div');
    const body = h('div', {}, err, box);
    function view() {
      box.replaceChildren(barn
          ? h('p', {}, 'Permissions boundary: ', h('a', {href: `#/policies/${encodeURIComponent(barn)}`, id: 'user-boundary'}, barn.split('/').pop()),
              h('span', {class: 'muted'}, ` (${barn})`))
          : h('p', {class: 'muted'}, 'Permissions boundary is not set.'),
          h('div', {class: 'actions'},
            h('button', {type: 'button', class: 'btn', id: 'user-boundary-set', on: {click: pick}}, barn ? 'Change boundary' : 'Set permissions boundary'),
            barn ? h('button', {type: 'button', class: 'btn', id: 'user-boundary-remove', on: {click: remove}}, 'Remove boundary') : null));
    }
    async function pick() {
      box.replaceChildren(loading('Loading policies'));
      try {
        const picker = policyPicker({policies: await loadPolicies(), selectable: 'single', initial: new Set(barn ? [barn] : []),
                                     label: 'Permissions boundary policy', idPrefix: 'user-boundary-pick'});
        const go = h('button', {type: 'button', class: 'btn btn-primary', on: {click: async () => {
          const sel = picker.selected();
          if (!sel.length) {
            err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Choose a policy.'}));
            return;
          }
          try {
            await call('PutUserPermissionsBoundary', {...u, PermissionsBoundary: sel[0].arn});
            notify(`Permissions boundary set to ${sel[0].name}.`);
            section.replaceWith(await boundarySection());
          } catch (ex) {
            err.replaceChildren(errorAlert(ex));
          }
        }}}, 'Set boundary');
        box.replaceChildren(picker.el, h('div', {class: 'actions'},
                                         h('button', {type: 'button', class: 'btn btn-link', on: {click: view}}, 'Cancel'), go));
      } catch (ex) {
        box.replaceChildren();
        err.replaceChildren(errorAlert(ex));
      }
    }
    async function remove() {
      const ok = await confirmDialog({title: 'Remove permissions boundary?',
                                      body: `The boundary ${barn} no longer limits the user's permissions.`, confirmLabel: 'Remove boundary'});
      if (!ok) return;
      try {
        await call('DeleteUserPermissionsBoundary', u);
        notify('Permissions boundary removed.');
        section.replaceWith(await boundarySection());
      } catch (ex) {
        err.replaceChildren(errorAlert(ex));
      }
    }
    view();
    const section = container({title: 'Permissions boundary', body,
                               description: 'Set a managed policy that controls the maximum permissions this user can have.'});
    return section;
  }

  // ---- Groups ----
  async function groupsTab(panel) {
    const groups = (await callAll('ListGroupsForUser', u, 'Groups')).map((g) => ({name: text(g, 'GroupName'), path: text(g, 'Path'),
                                                                                   arn: text(g, 'Arn')}));
    const area = h('div');
    const removeBtn = h('button', {type: 'button', class: 'btn', id: 'user-groups-remove', disabled: true}, 'Remove');
    const addBtn = h('button', {type: 'button', class: 'btn btn-primary', id: 'user-groups-add'}, 'Add user to groups');
    const t = table({columns: [{header: 'Group name', cell: (g) => h('a', {href: `#/groups/${encodeURIComponent(g.name)}`}, g.name)},
                               {header: 'Path', cell: (g) => g.path}],
                     rows: groups, selectable: 'multi', label: 'User groups membership', searchLabel: 'Search groups',
                     filter: (g) => g.name, rowLabel: (g) => g.name, empty: 'The user is in no group.',
                     onSelect: (sel) => {
                       removeBtn.disabled = !sel.length;
                     }});
    const again = () => {
      panel.replaceChildren();
      groupsTab(panel).catch((err) => panel.append(errorAlert(err)));
    };
    removeBtn.addEventListener('click', async () => {
      const sel = t.selected();
      const ok = await confirmDialog({title: `Remove ${name} from ${sel.length === 1 ? sel[0].name : `${sel.length} groups`}?`,
                                      body: 'The user loses the permissions it has through these groups.', confirmLabel: 'Remove'});
      if (!ok) return;
      try {
        for (const g of sel) await call('RemoveUserFromGroup', {...u, GroupName: g.name});
        notify(`Removed from ${sel.map((g) => g.name).join(', ')}.`);
        again();
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    });
    addBtn.addEventListener('click', async () => {
      area.replaceChildren(loading('Loading groups'));
      try {
        const have = new Set(groups.map((g) => g.name));
        const others = (await loadGroups()).filter((g) => !have.has(g.name));
        const pick = table({columns: [{header: 'Group name', cell: (g) => g.name}, {header: 'Path', cell: (g) => g.path}],
                            rows: others, selectable: 'multi', label: 'User groups', searchLabel: 'Search groups',
                            filter: (g) => g.name, rowLabel: (g) => g.name, empty: 'No other groups', pageSize: 10});
        const err = h('div');
        const go = h('button', {type: 'button', class: 'btn btn-primary', id: 'user-groups-add-submit', on: {click: async () => {
          const sel = pick.selected();
          if (!sel.length) {
            err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Choose at least one group.'}));
            return;
          }
          try {
            for (const g of sel) await call('AddUserToGroup', {...u, GroupName: g.name});
            notify(`Added to ${sel.map((g) => g.name).join(', ')}.`);
            again();
          } catch (ex) {
            err.replaceChildren(errorAlert(ex));
          }
        }}}, 'Add to groups');
        area.replaceChildren(container({title: 'Add user to groups', body: [err, pick.el, h('div', {class: 'actions'},
            h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Cancel'), go)]}));
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    });
    panel.append(container({title: 'User groups membership', count: groups.length, actions: [removeBtn, addBtn], body: [area, t.el]}));
  }

  // ---- Security credentials ----
  async function credentialsTab(panel) {
    const consoleBox = h('div');
    const mfaBox = h('div');
    const keysBox = h('div');
    panel.append(consoleBox, mfaBox, keysBox);
    await Promise.all([drawConsole(consoleBox), drawMfa(mfaBox), drawKeys(keysBox)]);
  }

  async function drawConsole(box) {
    let login = null;
    try {
      login = await call('GetLoginProfile', u);
    } catch (err) {
      if (err.code !== 'NoSuchEntity') {
        box.replaceChildren(container({title: 'Console sign-in', body: errorAlert(err)}));
        return;
      }
    }
    const area = h('div');
    const url = session.accountAlias ? `${location.origin}/console/?account=${encodeURIComponent(session.accountAlias)}`
                                     : session.signInUrl || `${location.origin}/console/?account=${session.accountId}`;
    const last = text(user, 'PasswordLastUsed');
    const actions = login
        ? [h('button', {type: 'button', class: 'btn', id: 'console-reset', on: {click: () => passwordForm(true)}}, 'Reset password'),
           h('button', {type: 'button', class: 'btn', id: 'console-disable', on: {click: disable}}, 'Disable console access')]
        : [h('button', {type: 'button', class: 'btn', id: 'console-enable', on: {click: () => passwordForm(false)}}, 'Enable console access')];
    box.replaceChildren(container({title: 'Console sign-in', actions, body: [
      h('dl', {class: 'kv'},
        h('dt', {}, 'Console sign-in link'), h('dd', {}, h('a', {href: url, class: 'break'}, url), ' ', copyButton(url, 'Copy')),
        h('dt', {}, 'Console password'),
        h('dd', {id: 'console-password-state'}, login ? `Enabled (created ${formatDate(text(login, 'CreateDate'))})` : 'Not enabled'),
        login ? [h('dt', {}, 'Require password reset'), h('dd', {}, text(login, 'PasswordResetRequired') === 'true' ? 'Yes' : 'No')] : null,
        h('dt', {}, 'Last console sign-in'), h('dd', {}, last ? formatDate(last) : 'Never')),
      area]}));

    async function disable() {
      const ok = await confirmDialog({title: `Disable console access for ${name}?`,
                                      body: 'The user can no longer sign in to the console. Its access keys keep working.',
                                      confirmLabel: 'Disable access'});
      if (!ok) return;
      try {
        await call('DeleteLoginProfile', u);
        notify('Console access disabled.');
        await drawConsole(box);
        drawSummary();
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    }
    function passwordForm(reset) {
      let kind = 'auto';
      const custom = textField({label: 'Password', id: 'console-custom-password', type: 'password', autocomplete: 'new-password'});
      custom.hidden = true;
      const kinds = radioGroup({legend: 'Console password', name: 'console-password-kind', value: 'auto',
                                options: [{value: 'auto', label: 'Autogenerated password'}, {value: 'custom', label: 'Custom password'}],
                                onChange: (v) => {
                                  kind = v;
                                  custom.hidden = v !== 'custom';
                                }});
      const must = checkbox({label: 'Users must create a new password at next sign-in - Recommended', id: 'console-must-reset', checked: true});
      const err = h('div');
      const go = h('button', {type: 'submit', class: 'btn btn-primary', id: 'console-submit'}, reset ? 'Reset password' : 'Enable console access');
      area.replaceChildren(container({title: reset ? 'Reset password' : 'Enable console access', level: 'h3', body: h('form', {novalidate: true, on: {submit: async (e) => {
        e.preventDefault();
        err.replaceChildren();
        let pw;
        if (kind === 'custom') {
          pw = custom.input.value;
          if (!pw) {
            err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Enter a custom password.'}));
            return;
          }
        } else {
          let min = 8;
          try {
            min = Number(text(await call('GetAccountPasswordPolicy'), 'MinimumPasswordLength')) || 8;
          } catch {
            min = 8;
          }
          pw = generatePassword(min);
        }
        go.disabled = true;
        try {
          await call(reset ? 'UpdateLoginProfile' : 'CreateLoginProfile',
                     {...u, Password: pw, PasswordResetRequired: String(must.input.checked)});
          await drawConsole(box);
          drawSummary();
          box.append(h('div', {class: 'alert alert-success', role: 'status'},
                       h('p', {class: 'alert-body'}, reset ? 'Console password reset.' : 'Console access enabled.',
                         ' This is the only time you can view this password.')),
                     retrievePassword(name, pw, session));
        } catch (ex) {
          go.disabled = false;
          err.replaceChildren(errorAlert(ex));
        }
      }}}, err, kinds, custom, must, h('div', {class: 'actions'},
          h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Cancel'), go))}));
    }
  }

  async function drawMfa(box) {
    let devices;
    try {
      devices = await callAll('ListMFADevices', u, 'MFADevices');
    } catch (err) {
      box.replaceChildren(container({title: 'Multi-factor authentication (MFA)', body: errorAlert(err)}));
      return;
    }
    const area = h('div');
    const rows = devices.map((d) => ({serial: text(d, 'SerialNumber'), enabled: text(d, 'EnableDate')}));
    const list = rows.length
        ? h('table', {class: 'table'}, h('thead', {}, h('tr', {}, ['Type', 'Identifier', 'Created on', 'Actions'].map((c) => h('th', {scope: 'col'}, c)))),
            h('tbody', {}, rows.map((r) => h('tr', {},
              h('td', {}, r.serial.includes(':mfa/') ? 'Virtual' : r.serial.includes(':u2f/') ? 'Security key' : 'Hardware TOTP token'),
              h('td', {class: 'break mono'}, r.serial),
              h('td', {}, formatDate(r.enabled)),
              h('td', {}, h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `Remove ${r.serial}`,
                                       on: {click: () => removeDevice(r.serial)}}, 'Remove'))))))
        : h('p', {class: 'muted'}, 'No MFA devices. Assign an MFA device to improve the security of this user.');
    box.replaceChildren(container({title: 'Multi-factor authentication (MFA)', count: rows.length,
                                   actions: h('button', {type: 'button', class: 'btn', id: 'mfa-assign', disabled: rows.length >= 8,
                                                         on: {click: assign}}, 'Assign MFA device'),
                                   body: [area, list]}));

    async function removeDevice(serial) {
      const ok = await confirmDialog({title: 'Remove MFA device?', body: `The device ${serial} no longer signs in ${name}.`, confirmLabel: 'Remove'});
      if (!ok) return;
      try {
        await call('DeactivateMFADevice', {...u, SerialNumber: serial});
        if (serial.includes(':mfa/')) {
          await call('DeleteVirtualMFADevice', {SerialNumber: serial}).catch((e) => {
            if (e.code !== 'NoSuchEntity') throw e;
          });
        }
        notify('MFA device removed.');
        await drawMfa(box);
        drawSummary();
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    }

    function assign() {
      const nameField = textField({label: 'Device name', id: 'mfa-device-name', value: name.replace(/[^\w+=,.@-]/g, '').slice(0, 64),
                                   hint: 'Enter a meaningful name to identify this device. Maximum 128 characters. Use alphanumeric and \'+ = , . @ - _\' characters.'});
      const err = h('div');
      const next = h('button', {type: 'submit', class: 'btn btn-primary', id: 'mfa-next'}, 'Next');
      area.replaceChildren(container({title: 'Select MFA device', level: 'h3', body: h('form', {novalidate: true, on: {submit: async (e) => {
        e.preventDefault();
        err.replaceChildren();
        next.disabled = true;
        try {
          const r = await call('CreateVirtualMFADevice', {VirtualMFADeviceName: nameField.input.value.trim()});
          setUp(r);
        } catch (ex) {
          next.disabled = false;
          err.replaceChildren(errorAlert(ex));
        }
      }}}, err, nameField, h('p', {}, 'MFA device: Authenticator app (a virtual MFA device: an app that makes TOTP codes).'),
      h('div', {class: 'actions'}, h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Cancel'), next))}));
      nameField.input.focus();
    }

    function setUp(r) {
      const serial = text(r, 'SerialNumber');
      const png = text(r, 'QRCodePNG').replace(/\s+/g, '');
      let seed = '';
      try {
        seed = atob(text(r, 'Base32StringSeed').replace(/\s+/g, '')); // a blob: base64 of the base32 text
      } catch {
        seed = text(r, 'Base32StringSeed');
      }
      const secret = h('span', {class: 'secret', id: 'mfa-secret', hidden: true}, seed);
      const showSecret = h('button', {type: 'button', class: 'linkish', id: 'mfa-show-secret', 'aria-controls': 'mfa-secret', 'aria-expanded': 'false',
                                      on: {click: () => {
                                        secret.hidden = !secret.hidden;
                                        showSecret.setAttribute('aria-expanded', String(!secret.hidden));
                                        showSecret.textContent = secret.hidden ? 'Show secret key' : 'Hide secret key';
                                      }}}, 'Show secret key');
      const code1 = textField({label: 'MFA code 1', id: 'mfa-code-1', autocomplete: 'one-time-code'});
      const code2 = textField({label: 'MFA code 2', id: 'mfa-code-2', autocomplete: 'one-time-code'});
      for (const c of [code1, code2]) {
        c.input.setAttribute('inputmode', 'numeric');
        c.input.setAttribute('maxlength', '6');
      }
      const err = h('div');
      const go = h('button', {type: 'submit', class: 'btn btn-primary', id: 'mfa-add'}, 'Add MFA');
      const cancel = h('button', {type: 'button', class: 'btn btn-link', on: {click: async () => {
        // The device was made for this user: leave none behind unassigned.
        try {
          await call('DeleteVirtualMFADevice', {SerialNumber: serial});
        } catch {
          // Left for the administrator: ListVirtualMFADevices shows it unassigned.
        }
        area.replaceChildren();
      }}}, 'Cancel');
      area.replaceChildren(container({title: 'Set up device', level: 'h3', body: h('form', {novalidate: true, on: {submit: async (e) => {
        e.preventDefault();
        err.replaceChildren();
        const a = code1.input.value.trim();
        const b = code2.input.value.trim();
        if (!/^\d{6}$/.test(a) || !/^\d{6}$/.test(b)) {
          err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Enter two consecutive 6-digit MFA codes.'}));
          return;
        }
        go.disabled = true;
        try {
          await call('EnableMFADevice', {...u, SerialNumber: serial, AuthenticationCode1: a, AuthenticationCode2: b});
          notify('MFA device assigned.');
          await drawMfa(box);
          drawSummary();
        } catch (ex) {
          go.disabled = false;
          err.replaceChildren(errorAlert(ex));
        }
      }}}, err,
      h('ol', {class: 'steps-list'},
        h('li', {}, 'Install a compatible application such as Google Authenticator, Duo Mobile, or Authy app on your mobile device or computer.'),
        h('li', {}, 'Open your authenticator app, and scan the QR code; alternatively, type the secret key. ',
          png ? h('img', {class: 'qr', src: `data:image/png;base64,${png}`, alt: `QR code for the MFA device ${serial}`}) : null,
          showSecret, ' ', secret),
        h('li', {}, 'Enter two consecutive codes from your MFA device.', code1, code2)),
      h('div', {class: 'actions'}, cancel, go))}));
    }
  }

  async function drawKeys(box) {
    let keys;
    try {
      keys = await callAll('ListAccessKeys', u, 'AccessKeyMetadata');
    } catch (err) {
      box.replaceChildren(container({title: 'Access keys', body: errorAlert(err)}));
      return;
    }
    let descriptions = {};
    try {
      for (const t of await callAll('ListUserTags', u, 'Tags')) descriptions[text(t, 'Key')] = text(t, 'Value');
    } catch {
      descriptions = {};
    }
    const area = h('div');
    const createBtn = h('button', {type: 'button', class: 'btn', id: 'access-key-create', disabled: keys.length >= 2,
                                   title: keys.length >= 2 ? 'A user has at most two access keys.' : '',
                                   on: {click: () => createKey()}}, 'Create access key');
    const cards = await Promise.all(keys.map(async (k) => {
      const id = text(k, 'AccessKeyId');
      const status = text(k, 'Status');
      let lastUsed = 'Never';
      try {
        const r = await call('GetAccessKeyLastUsed', {AccessKeyId: id});
        const d = text(r, 'LastUsedDate');
        if (d) lastUsed = `${formatDate(d)} (${text(r, 'ServiceName')} in ${text(r, 'Region')})`;
      } catch (err) {
        lastUsed = `- (${err.code})`;
      }
      const toggle = h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `${status === 'Active' ? 'Deactivate' : 'Activate'} ${id}`,
                                  on: {click: async () => {
                                    const next = status === 'Active' ? 'Inactive' : 'Active';
                                    if (next === 'Inactive') {
                                      const ok = await confirmDialog({title: `Deactivate ${id}?`,
                                                                      body: 'Requests signed with this key are refused until you activate it again.',
                                                                      confirmLabel: 'Deactivate'});
                                      if (!ok) return;
                                    }
                                    try {
                                      await call('UpdateAccessKey', {...u, AccessKeyId: id, Status: next});
                                      notify(`Access key ${id} ${next === 'Active' ? 'activated' : 'deactivated'}.`);
                                      await drawKeys(box);
                                      drawSummary();
                                    } catch (err) {
                                      area.replaceChildren(errorAlert(err));
                                    }
                                  }}}, status === 'Active' ? 'Deactivate' : 'Activate');
      const del = h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `Delete ${id}`, on: {click: async () => {
        const ok = await confirmDialog({title: `Delete ${id}?`,
                                        body: 'Applications that use this key lose access. The key cannot be recovered.',
                                        confirmLabel: 'Delete', requireText: id});
        if (!ok) return;
        try {
          await call('DeleteAccessKey', {...u, AccessKeyId: id});
          if (descriptions[id] !== undefined) await call('UntagUser', {...u, 'TagKeys.member.1': id}).catch(() => null);
          notify(`Access key ${id} deleted.`);
          await drawKeys(box);
          drawSummary();
        } catch (err) {
          area.replaceChildren(errorAlert(err));
        }
      }}}, 'Delete');
      return h('div', {class: 'key-card'},
               h('div', {class: 'key-card-head'}, h('h3', {class: 'mono'}, id), h('span', {class: 'actions'}, toggle, del)),
               h('dl', {class: 'kv kv-compact'},
                 descriptions[id] ? [h('dt', {}, 'Description'), h('dd', {}, descriptions[id])] : null,
                 h('dt', {}, 'Status'), h('dd', {class: status === 'Active' ? 'status-ok' : 'muted'}, status),
                 h('dt', {}, 'Last used'), h('dd', {}, lastUsed),
                 h('dt', {}, 'Created'), h('dd', {}, `${formatDate(text(k, 'CreateDate'))} (${timeAgo(text(k, 'CreateDate'))})`)));
    }));
    box.replaceChildren(container({title: 'Access keys', count: keys.length, actions: createBtn,
                                   description: 'Use access keys to send programmatic calls to AWS from the AWS CLI, AWS Tools for PowerShell, AWS SDKs, or direct AWS API calls. You can have a maximum of two access keys (active or inactive) at a time.',
                                   body: [area, cards.length ? cards : h('p', {class: 'muted'}, 'No access keys. As a best practice, avoid using long-term credentials like access keys. Instead, use tools which provide short term credentials.')]}));

    function createKey() {
      const USE_CASES = [
        {value: 'cli', label: 'Command Line Interface (CLI)', hint: 'You plan to use this access key to enable the AWS CLI to access your AWS account.',
         alt: 'Use AWS CloudShell, a browser-based CLI, or the AWS CLI V2 with authentication through a user in IAM Identity Center.'},
        {value: 'local', label: 'Local code', hint: 'You plan to use this access key to enable application code in a local development environment to access your AWS account.',
         alt: 'Use an IDE which supports the AWS Toolkit with authentication through IAM Identity Center.'},
        {value: 'compute', label: 'Application running on an AWS compute service', hint: 'You plan to use this access key to enable application code running on an AWS compute service like Amazon EC2, Amazon ECS, or AWS Lambda to access your AWS account.',
         alt: 'Assign an IAM role to the compute resource instead: it gets temporary credentials.'},
        {value: 'third', label: 'Third-party service', hint: 'You plan to use this access key to enable access for a third-party application or service that monitors or manages your AWS resources.',
         alt: 'Use temporary security credentials (IAM roles) instead of long-term access keys.'},
        {value: 'outside', label: 'Application running outside AWS', hint: 'You plan to use this access key to authenticate workloads running in your data center or other infrastructure outside of AWS that needs to access your AWS resources.'},
        {value: 'other', label: 'Other', hint: 'Your use case is not listed here.'},
      ];
      const st = {useCase: null, confirmed: false, description: ''};
      const stepBox = h('div');
      area.replaceChildren(stepBox);
      step1();

      function step1() {
        const err = h('div');
        const advice = h('div');
        const group = radioGroup({legend: 'Use case', name: 'key-use-case', value: st.useCase, tiles: true, options: USE_CASES,
                                  onChange: (v) => {
                                    st.useCase = v;
                                    st.confirmed = false;
                                    drawAdvice();
                                  }});
        function drawAdvice() {
          const uc = USE_CASES.find((c) => c.value === st.useCase);
          if (!uc || !uc.alt) {
            advice.replaceChildren();
            return;
          }
          const cb = checkbox({label: 'I understand the above recommendation and want to proceed to create an access key.',
                               id: 'key-confirm', checked: st.confirmed, on: {change: (e) => {
                                 st.confirmed = e.target.checked;
                               }}});
          advice.replaceChildren(h('div', {class: 'alert alert-info', role: 'status'}, h('p', {class: 'alert-title'}, 'Alternative recommended'),
                                   h('p', {class: 'alert-body'}, uc.alt)), h('div', {class: 'field'}, h('h4', {}, 'Confirmation'), cb));
        }
        drawAdvice();
        stepBox.replaceChildren(container({title: 'Step 1: Access key best practices & alternatives', level: 'h3',
                                           description: 'Avoid using long-term credentials like access keys to improve your security.',
                                           body: [err, group, advice, h('div', {class: 'actions'},
                                             h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Cancel'),
                                             h('button', {type: 'button', class: 'btn btn-primary', id: 'key-next', on: {click: () => {
                                               const uc = USE_CASES.find((c) => c.value === st.useCase);
                                               if (!uc) {
                                                 err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Choose a use case.'}));
                                               } else if (uc.alt && !st.confirmed) {
                                                 err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Confirm that you understand the recommendation.'}));
                                               } else {
                                                 step2();
                                               }
                                             }}}, 'Next'))]}));
        stepBox.querySelector('input')?.focus();
      }

      function step2() {
        const err = h('div');
        const desc = textField({label: 'Description tag value', id: 'key-description', value: st.description,
                                hint: 'Describe the purpose of this access key and where it will be used. A good description will help you rotate this access key confidently later. Maximum 256 characters.',
                                on: {input: (e) => {
                                  st.description = e.target.value;
                                }}});
        desc.input.setAttribute('maxlength', '256');
        const go = h('button', {type: 'button', class: 'btn btn-primary', id: 'key-create-submit'}, 'Create access key');
        go.addEventListener('click', async () => {
          err.replaceChildren();
          // The description becomes a tag value: AWS's pattern, checked before the key exists.
          if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(st.description.trim())) {
            err.replaceChildren(errorAlert({code: 'ValidationError', message:
              'The description may contain only letters, numbers, spaces and _ . : / = + - @'}));
            desc.input.setAttribute('aria-invalid', 'true');
            desc.input.focus();
            return;
          }
          desc.input.removeAttribute('aria-invalid');
          go.disabled = true;
          let r;
          try {
            r = await call('CreateAccessKey', u);
          } catch (ex) {
            go.disabled = false;
            err.replaceChildren(errorAlert(ex));
            return;
          }
          const id = text(r, 'AccessKeyId');
          const secretKey = text(r, 'SecretAccessKey');
          let tagError = null;
          if (st.description.trim()) {
            try {
              await call('TagUser', {...u, 'Tags.member.1.Key': id, 'Tags.member.1.Value': st.description.trim()});
            } catch (ex) {
              tagError = ex;
            }
          }
          step3(id, secretKey, tagError);
        });
        stepBox.replaceChildren(container({title: 'Step 2: Set description tag - optional', level: 'h3',
                                           description: 'The description for this access key will be attached to this user as a tag and shown alongside the access key.',
                                           body: [err, desc, h('div', {class: 'actions'},
                                             h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Cancel'),
                                             h('button', {type: 'button', class: 'btn', on: {click: step1}}, 'Previous'), go)]}));
        desc.input.focus();
      }

      function step3(id, secretKey, tagError) {
        let shown = false;
        const secretEl = h('span', {class: 'secret', id: 'secret-access-key'}, '****************');
        const show = h('button', {type: 'button', class: 'btn btn-small', id: 'secret-show', 'aria-controls': 'secret-access-key',
                                  on: {click: () => {
                                    shown = !shown;
                                    secretEl.textContent = shown ? secretKey : '****************';
                                    show.textContent = shown ? 'Hide' : 'Show';
                                  }}}, 'Show');
        const done = h('button', {type: 'button', class: 'btn btn-primary', id: 'key-done', on: {click: async () => {
          // The secret leaves the page with this view.
          secretKey = null;
          area.replaceChildren();
          await drawKeys(box);
          drawSummary();
        }}}, 'Done');
        stepBox.replaceChildren(container({title: 'Retrieve access keys', level: 'h3', body: [
          h('div', {class: 'alert alert-warning', role: 'status'},
            h('p', {class: 'alert-body'}, 'This is the only time that the secret access key can be viewed or downloaded. You cannot recover it later. However, you can create a new access key any time.')),
          tagError ? errorAlert(tagError) : null,
          h('table', {class: 'table'},
            h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Access key'), h('th', {scope: 'col'}, 'Secret access key'))),
            h('tbody', {}, h('tr', {},
              h('td', {}, h('span', {class: 'mono', id: 'access-key-id'}, id), ' ', copyButton(id, 'Copy access key')),
              h('td', {}, secretEl, ' ', show, ' ', copyButton(secretKey, 'Copy secret access key'))))),
          h('div', {class: 'actions'},
            h('button', {type: 'button', class: 'btn', id: 'key-download', on: {click: () => {
              if (secretKey) downloadFile(`${name}_accessKeys.csv`, csv([['Access key ID', 'Secret access key'], [id, secretKey]]));
            }}}, 'Download .csv file'),
            done)]}));
        drawSummary();
        stepBox.querySelector('h3')?.setAttribute('tabindex', '-1');
        stepBox.querySelector('h3')?.focus();
      }
    }
  }
}


// Access Advisor: the services the entity's policies allow and when it last used each
// (GenerateServiceLastAccessedDetails, then GetServiceLastAccessedDetails until the job completes).
export async function accessAdvisor(panel, arn) {
  panel.append(loading('Generating the report'));
  const job = text(await call('GenerateServiceLastAccessedDetails', {Arn: arn}), 'JobId');
  let result = null;
  for (let i = 0; i < 30; i++) {
    result = await call('GetServiceLastAccessedDetails', {JobId: job});
    const status = text(result, 'JobStatus');
    if (status === 'COMPLETED') break;
    if (status === 'FAILED') {
      panel.replaceChildren(errorAlert({code: 'JobFailed', message: text(result, 'Message') || 'The report could not be generated.'}));
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!result || text(result, 'JobStatus') !== 'COMPLETED') {
    panel.replaceChildren(errorAlert({code: 'JobInProgress', message: 'The report is still being generated. Open the tab again in a moment.'}));
    return;
  }
  const rows = [];
  const list = result.getElementsByTagNameNS('*', 'ServicesLastAccessed')[0];
  for (const m of list ? list.children : []) {
    if (m.localName !== 'member') continue;
    rows.push({name: text(m, 'ServiceName'), ns: text(m, 'ServiceNamespace'), last: text(m, 'LastAuthenticated'),
               region: text(m, 'LastAuthenticatedRegion'), entities: text(m, 'TotalAuthenticatedEntities')});
  }
  const t = table({columns: [
    {header: 'Service', cell: (r) => r.name},
    {header: 'Namespace', cell: (r) => h('code', {}, r.ns)},
    {header: 'Last accessed', cell: (r) => (r.last ? h('span', {title: formatDate(r.last)}, timeAgo(r.last)) : 'Not accessed in the tracking period')},
    {header: 'Region', cell: (r) => r.region},
  ], rows, label: 'Allowed services', searchLabel: 'Search services', filter: (r) => `${r.name} ${r.ns}`,
  empty: 'The policies of this identity allow no service.', pageSize: 20});
  panel.replaceChildren(container({title: 'Allowed services', count: rows.length,
                                   description: `Report generated ${formatDate(text(result, 'JobCompletionDate'))}. Services the identity's policies allow and when it last used them.`,
                                   body: t.el}));
}
