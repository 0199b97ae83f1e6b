// Users: the list (search, paging, the AWS columns filled in per visible row) and deleting the
// selected users with everything that blocks DeleteUser, as the AWS console does.

import {call, callAll, members, text} from '../api.js';
import {ageDays, confirmDialog, errorAlert, formatDate, h, notify, pageHeader, table, timeAgo} from '../ui.js';

// A list of the user's things; none when the user is gone meanwhile (NoSuchEntity).
async function listOrNone(action, params, tag) {
  try {
    return await callAll(action, params, tag);
  } catch (err) {
    if (err.code === 'NoSuchEntity') return [];
    throw err;
  }
}

// Deletes a user and what must go first (console password, keys, certificates, SSH keys, service
// credentials, MFA devices, inline and attached policies, group memberships). `step` reports progress.
export async function deleteUser(name, step = () => {}) {
  const u = {UserName: name};
  // DeleteUser first: it is authorized before its DeleteConflict check, so a caller who may not
  // delete the user is refused here, before anything of the user has been removed. [IMPL]
  step('user');
  try {
    await call('DeleteUser', u);
    return;
  } catch (err) {
    if (err.code !== 'DeleteConflict') throw err;
  }
  step('console password');
  try {
    await call('DeleteLoginProfile', u);
  } catch (err) {
    if (err.code !== 'NoSuchEntity') throw err;
  }
  step('access keys');
  for (const k of await listOrNone('ListAccessKeys', u, 'AccessKeyMetadata')) {
    await call('DeleteAccessKey', {...u, AccessKeyId: text(k, 'AccessKeyId')});
  }
  step('signing certificates');
  for (const c of await listOrNone('ListSigningCertificates', u, 'Certificates')) {
    await call('DeleteSigningCertificate', {...u, CertificateId: text(c, 'CertificateId')});
  }
  step('SSH public keys');
  for (const k of await listOrNone('ListSSHPublicKeys', u, 'SSHPublicKeys')) {
    await call('DeleteSSHPublicKey', {...u, SSHPublicKeyId: text(k, 'SSHPublicKeyId')});
  }
  step('service-specific credentials');
  let creds = [];
  try {
    creds = members(await call('ListServiceSpecificCredentials', u), 'ServiceSpecificCredentials');
  } catch (err) {
    if (err.code !== 'NoSuchEntity') throw err;
  }
  for (const c of creds) {
    await call('DeleteServiceSpecificCredential', {...u, ServiceSpecificCredentialId: text(c, 'ServiceSpecificCredentialId')});
  }
  step('MFA devices');
  for (const d of await listOrNone('ListMFADevices', u, 'MFADevices')) {
    const serial = text(d, 'SerialNumber');
    await call('DeactivateMFADevice', {...u, SerialNumber: serial});
    if (serial.includes(':mfa/')) {
      try {
        await call('DeleteVirtualMFADevice', {SerialNumber: serial});
      } catch (err) {
        if (err.code !== 'NoSuchEntity') throw err;
      }
    }
  }
  step('inline policies');
  for (const p of await listOrNone('ListUserPolicies', u, 'PolicyNames')) {
    await call('DeleteUserPolicy', {...u, PolicyName: p.textContent});
  }
  step('attached policies');
  for (const p of await listOrNone('ListAttachedUserPolicies', u, 'AttachedPolicies')) {
    await call('DetachUserPolicy', {...u, PolicyArn: text(p, 'PolicyArn')});
  }
  step('groups');
  for (const g of await listOrNone('ListGroupsForUser', u, 'Groups')) {
    await call('RemoveUserFromGroup', {...u, GroupName: text(g, 'GroupName')});
  }
  step('user');
  await call('DeleteUser', u);
}

// The details of one user that the list shows, fetched on demand (each part may fail alone).
function fetchDetails(name) {
  const u = {UserName: name};
  const part = (p) => p.then((v) => ({ok: true, v}), (err) => ({ok: false, err}));
  return Promise.all([
    part(callAll('ListGroupsForUser', u, 'Groups')),
    part(callAll('ListMFADevices', u, 'MFADevices')),
    part(call('GetLoginProfile', u).catch((err) => (err.code === 'NoSuchEntity' ? null : Promise.reject(err)))),
    part(callAll('ListAccessKeys', u, 'AccessKeyMetadata').then(async (keys) => Promise.all(keys.map(async (k) => {
      let lastUsed = '';
      try {
        lastUsed = text(await call('GetAccessKeyLastUsed', {AccessKeyId: text(k, 'AccessKeyId')}), 'LastUsedDate');
      } catch {
        lastUsed = '';
      }
      return {id: text(k, 'AccessKeyId'), status: text(k, 'Status'), created: text(k, 'CreateDate'), lastUsed};
    })))),
  ]).then(([groups, mfa, login, keys]) => ({groups, mfa, login, keys}));
}

export async function render(main) {
  const deleteBtn = h('button', {type: 'button', class: 'btn', id: 'users-delete', disabled: true}, 'Delete');
  main.append(pageHeader({title: 'Users', crumbs: [{label: 'IAM', href: '#/'}, {label: 'Users'}],
                          description: 'An IAM user is an identity with long-term credentials that is used to interact with AWS in an account.',
                          actions: [deleteBtn, h('a', {class: 'btn btn-primary', href: '#/users/create', id: 'users-create'}, 'Create user')]}));
  const body = h('div', {class: 'container-body'}, h('p', {class: 'muted', role: 'status'}, 'Loading users…'));
  const countEl = h('span', {class: 'muted'});
  main.append(h('section', {class: 'container'}, h('div', {class: 'container-header'}, h('h2', {}, 'Users ', countEl)), body));

  const details = new Map(); // name -> Promise of details
  const resolved = new Map(); // name -> details, once there
  let inFlight = 0;
  const waiting = [];
  function detailsOf(name) {
    if (!details.has(name)) {
      const p = new Promise((resolve) => {
        const run = () => {
          inFlight += 1;
          fetchDetails(name).then((d) => {
            resolved.set(name, d);
            resolve(d);
          }).finally(() => {
            inFlight -= 1;
            if (waiting.length) waiting.shift()();
          });
        };
        if (inFlight < 4) run();
        else waiting.push(run);
      });
      details.set(name, p);
    }
    return details.get(name);
  }

  // A cell filled when the user's details come.
  const later = (row, fill) => {
    const span = h('span', {class: 'muted'}, '…');
    detailsOf(row.name).then((d) => {
      let v;
      try {
        v = fill(d);
      } catch {
        v = null;
      }
      span.className = '';
      span.replaceChildren(v == null || v === '' ? '-' : v);
    });
    return span;
  };
  const failed = (p) => h('span', {class: 'muted', title: `${p.err.code}: ${p.err.message}`}, 'Not allowed');

  const columns = [
    {header: 'User name', cell: (r) => h('a', {href: `#/users/${encodeURIComponent(r.name)}`}, r.name)},
    {header: 'Path', cell: (r) => r.path},
    {header: 'Groups', cell: (r) => later(r, (d) => (d.groups.ok ? String(d.groups.v.length) : failed(d.groups)))},
    {header: 'Last activity', cell: (r) => later(r, (d) => {
      const times = [r.passwordLastUsed, ...(d.keys.ok ? d.keys.v.map((k) => k.lastUsed) : [])].filter(Boolean).sort();
      return times.length ? timeAgo(times[times.length - 1]) : 'Never';
    })},
    {header: 'MFA', cell: (r) => later(r, (d) => {
      if (!d.mfa.ok) return failed(d.mfa);
      if (!d.mfa.v.length) return '-';
      return d.mfa.v.map((m) => (text(m, 'SerialNumber').includes(':mfa/') ? 'Virtual' : 'Hardware')).join(', ');
    })},
    {header: 'Password age', cell: (r) => later(r, (d) => {
      if (!d.login.ok) return failed(d.login);
      if (!d.login.v) return '-';
      const days = ageDays(text(d.login.v, 'CreateDate'));
      return days === null ? '-' : days === 0 ? 'Today' : `${days} day${days === 1 ? '' : 's'}`;
    })},
    {header: 'Console last sign-in', cell: (r) => (r.passwordLastUsed ? timeAgo(r.passwordLastUsed) : later(r, (d) => {
      if (!d.login.ok) return failed(d.login);
      return d.login.v ? 'Never' : '-';
    }))},
    {header: 'Access key ID', cell: (r) => later(r, (d) => {
      if (!d.keys.ok) return failed(d.keys);
      if (!d.keys.v.length) return '-';
      return h('span', {}, d.keys.v.map((k, i) => [i ? h('br') : null, h('span', {class: 'mono'}, k.id), ` - ${k.status}`]));
    })},
    {header: 'Created', cell: (r) => h('span', {title: formatDate(r.created)}, timeAgo(r.created))},
  ];

  let t = null;
  async function load() {
    let users;
    try {
      users = await callAll('ListUsers', {}, 'Users');
    } catch (err) {
      body.replaceChildren(errorAlert(err));
      return;
    }
    const rows = users.map((u) => ({name: text(u, 'UserName'), path: text(u, 'Path'), arn: text(u, 'Arn'),
                                    created: text(u, 'CreateDate'), passwordLastUsed: text(u, 'PasswordLastUsed')}));
    countEl.textContent = `(${rows.length})`;
    if (!t) {
      t = table({columns, rows, selectable: 'multi', empty: 'No users to display', label: 'Users',
                 searchLabel: 'Find users by username or access key', rowLabel: (r) => r.name,
                 filter: (r) => {
                   const d = resolved.get(r.name);
                   const keys = d && d.keys.ok ? d.keys.v.map((k) => k.id).join(' ') : '';
                   return `${r.name} ${keys}`;
                 },
                 onSelect: (sel) => {
                   deleteBtn.disabled = sel.length === 0;
                 }});
      body.replaceChildren(t.el);
    } else {
      t.setRows(rows);
    }
  }

  deleteBtn.addEventListener('click', async () => {
    const sel = t ? t.selected() : [];
    if (!sel.length) return;
    const names = sel.map((r) => r.name);
    const one = names.length === 1;
    const ok = await confirmDialog({
      title: one ? `Delete ${names[0]}?` : `Delete ${names.length} users?`,
      body: h('div', {},
              h('p', {}, 'Deleting a user also deletes its console password, access keys, signing certificates, SSH public keys, ',
                'service-specific credentials and inline policies, deactivates its MFA devices, detaches its managed policies and ',
                'removes it from its groups. This cannot be undone.'),
              h('ul', {class: 'plain-list'}, names.map((n) => h('li', {}, n)))),
      confirmLabel: 'Delete',
      requireText: one ? names[0] : 'delete',
    });
    if (!ok) return;
    deleteBtn.disabled = true;
    const done = [];
    for (const n of names) {
      try {
        await deleteUser(n);
        done.push(n);
      } catch (err) {
        if (done.length) notify(`Deleted ${done.join(', ')}.`);
        main.querySelector('.page-top').after(errorAlert(err));
        details.clear();
        resolved.clear();
        await load();
        return;
      }
    }
    notify(done.length === 1 ? `User ${done[0]} deleted.` : `${done.length} users deleted.`);
    details.clear();
    resolved.clear();
    if (t) t.clearSelection();
    await load();
  });

  await load();
}
