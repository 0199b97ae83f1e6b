// Roles: the list (Role name, Trusted entities, Last activity), search, delete; "Create role".

import {call, callAll, text} from '../api.js';
import {h, notify, table, confirmDialog} from '../ui.js';
import {heading, errorSlot, button, busy, decodeDocument, trustedEntities, timeAgo} from '../iam-common.js';

// Deletes a role as the console does: detaches its managed policies, deletes its inline
// policies, removes it from its instance profiles, then DeleteRole. Each step is an API call as
// the signed-in principal, so a denied step stops here with its error.
export async function deleteRoleFully(roleName) {
  const attached = await callAll('ListAttachedRolePolicies', {RoleName: roleName}, 'AttachedPolicies');
  for (const m of attached) await call('DetachRolePolicy', {RoleName: roleName, PolicyArn: text(m, 'PolicyArn')});
  const inline = await callAll('ListRolePolicies', {RoleName: roleName}, 'PolicyNames');
  for (const m of inline) await call('DeleteRolePolicy', {RoleName: roleName, PolicyName: m.textContent});
  let profiles = [];
  try {
    profiles = await callAll('ListInstanceProfilesForRole', {RoleName: roleName}, 'InstanceProfiles');
  } catch {
    // [IMPL] instance profiles are optional here: DeleteRole answers DeleteConflict if one remains.
  }
  for (const p of profiles) {
    await call('RemoveRoleFromInstanceProfile', {RoleName: roleName, InstanceProfileName: text(p, 'InstanceProfileName')});
  }
  await call('DeleteRole', {RoleName: roleName});
}

function roleRow(m) {
  const trust = decodeDocument(text(m, 'AssumeRolePolicyDocument'));
  return {
    name: text(m, 'RoleName'),
    arn: text(m, 'Arn'),
    path: text(m, 'Path'),
    description: text(m, 'Description'),
    created: text(m, 'CreateDate'),
    trusted: trustedEntities(trust),
    lastUsed: text(m, 'LastUsedDate') || null, // ListRoles leaves RoleLastUsed out in AWS: see below
    lastUsedKnown: !!text(m, 'RoleLastUsed') || !!text(m, 'LastUsedDate'),
  };
}

// Fills "Last activity" from GetRole (ListRoles does not return RoleLastUsed), a few at a time.
async function fillLastActivity(rows, cells) {
  const queue = rows.filter((r) => !r.lastUsedKnown).slice(0, 200);
  const worker = async () => {
    while (queue.length) {
      const r = queue.shift();
      try {
        const res = await call('GetRole', {RoleName: r.name});
        r.lastUsed = text(res, 'LastUsedDate') || null;
      } catch {
        r.lastUsed = null;
      }
      r.lastUsedKnown = true;
      const cell = cells.get(r);
      if (cell) cell.textContent = timeAgo(r.lastUsed);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

export async function render(main) {
  const title = heading('Roles');
  const count = h('span', {class: 'iam-muted'});
  const errs = errorSlot();
  const holder = h('div', {}, h('p', {class: 'iam-muted'}, 'Loading roles…'));
  const delBtn = button('Delete', null);
  const createBtn = h('a', {class: 'btn btn-primary', href: '#/roles/create'}, 'Create role');
  delBtn.disabled = true;
  main.append(h('div', {class: 'iam-header'}, title, h('div', {class: 'iam-actions'}, delBtn, createBtn)),
              h('p', {class: 'iam-muted'},
                'An IAM role is an identity you can create that has specific permissions with credentials that are ' +
                'valid for short durations. Roles can be assumed by entities that you trust.'),
              count, errs, holder);

  let tbl = null;
  const cells = new Map();
  async function load(clearErrors = true) {
    if (clearErrors) errs.clear();
    let rows;
    try {
      rows = (await callAll('ListRoles', {}, 'Roles')).map(roleRow);
    } catch (err) {
      holder.replaceChildren();
      errs.show(err);
      return;
    }
    rows.sort((a, b) => a.name.localeCompare(b.name));
    count.textContent = `${rows.length} role${rows.length === 1 ? '' : 's'}`;
    cells.clear();
    tbl = table({
      columns: [
        {header: 'Role name', cell: (r) => h('a', {href: `#/roles/${encodeURIComponent(r.name)}`}, r.name)},
        {header: 'Trusted entities', cell: (r) => (r.trusted.length ? h('ul', {class: 'iam-ul'}, r.trusted.map((t) => h('li', {}, t))) : '-')},
        {header: 'Last activity', cell: (r) => {
          const span = h('span', {}, r.lastUsedKnown ? timeAgo(r.lastUsed) : '…');
          cells.set(r, span);
          return span;
        }},
      ],
      rows,
      selectable: 'multi',
      empty: 'No roles to display',
      filter: (r) => `${r.name} ${r.trusted.join(' ')} ${r.description}`,
      searchLabel: 'Find roles',
      label: 'Roles',
      rowLabel: (r) => r.name,
      onSelect: (sel) => {
        delBtn.disabled = sel.length === 0;
      },
    });
    delBtn.disabled = true;
    holder.replaceChildren(tbl.el);
    fillLastActivity(rows, cells);
  }

  delBtn.addEventListener('click', async () => {
    const sel = tbl ? tbl.selected() : [];
    if (!sel.length) return;
    const one = sel.length === 1;
    const ok = await confirmDialog({
      title: one ? `Delete ${sel[0].name}?` : `Delete ${sel.length} roles?`,
      body: h('div', {},
              h('p', {}, 'Deleting a role removes its permissions policies and its instance profiles. ' +
                'Applications and services that use the role will no longer be able to assume it.'),
              h('ul', {}, sel.map((r) => h('li', {}, r.name)))),
      confirmLabel: 'Delete',
      requireText: one ? sel[0].name : 'delete',
    });
    if (!ok) return;
    await busy(delBtn, async () => {
      errs.clear();
      const done = [];
      try {
        for (const r of sel) {
          await deleteRoleFully(r.name);
          done.push(r.name);
        }
      } catch (err) {
        errs.show(err);
      }
      if (done.length) notify(done.length === 1 ? `Role ${done[0]} deleted.` : `${done.length} roles deleted.`);
      await load(false);
    });
  });

  await load();
}
