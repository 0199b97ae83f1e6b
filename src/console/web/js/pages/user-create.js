// Create user: AWS's wizard (Specify user details, Set permissions, Review and create), then
// "Retrieve password" when a console password was made. Also exports the pickers that other
// pages use (policies, groups) and the password generator.

import {call, callAll, getSession, tagParams, text} from '../api.js';
import {checkbox, container, copyButton, downloadFile, errorAlert, formField, h, notify, pageHeader, radioGroup, table,
        textField, wizard} from '../ui.js';

export const USER_NAME_RE = /^[\w+=,.@-]{1,64}$/;
const AWS_POLICY = ':aws:policy/';

// ---- policies ----

export function policyType(p) {
  if (!p.arn.includes(AWS_POLICY)) return 'Customer managed';
  return p.path.startsWith('/job-function/') ? 'AWS managed - job function' : 'AWS managed';
}

// Every managed policy the caller may list (AWS and customer managed), as plain rows.
export async function loadPolicies(scope = 'All') {
  const list = await callAll('ListPolicies', {Scope: scope}, 'Policies');
  return list.map((p) => ({name: text(p, 'PolicyName'), arn: text(p, 'Arn'), path: text(p, 'Path'),
                           attachments: Number(text(p, 'AttachmentCount') || 0), defaultVersion: text(p, 'DefaultVersionId'),
                           updated: text(p, 'UpdateDate')}))
      .sort((a, b) => a.name.localeCompare(b.name));
}

// A searchable, filterable table of managed policies. selectable: 'multi' | 'single'.
// initial: a Set of ARNs selected at first; onSelect(rows).
export function policyPicker({policies, selectable = 'multi', initial = new Set(), onSelect, label = 'Policies',
                              idPrefix = 'pp'}) {
  const typeId = `${idPrefix}-type`;
  const typeSelect = h('select', {id: typeId, class: 'input input-inline'},
                       ['All types', 'AWS managed', 'Customer managed', 'AWS managed - job function']
                           .map((t) => h('option', {value: t}, t)));
  const t = table({
    columns: [
      {header: 'Policy name', cell: (p) => h('a', {href: `#/policies/${encodeURIComponent(p.arn)}`, target: '_blank', rel: 'noopener'}, p.name)},
      {header: 'Type', cell: (p) => policyType(p)},
      {header: 'Attached entities', cell: (p) => String(p.attachments)},
    ],
    rows: policies, selectable, label, searchLabel: 'Search policies by name', rowLabel: (p) => p.name,
    filter: (p) => p.name, pageSize: 10, empty: 'No policies', initial: (p) => initial.has(p.arn), onSelect,
    rowFilter: (p) => typeSelect.value === 'All types' || policyType(p) === typeSelect.value,
    tools: h('div', {class: 'inline-field'}, h('label', {for: typeId}, 'Filter by Type'), typeSelect),
  });
  typeSelect.addEventListener('change', () => t.refresh());
  return t;
}

// ---- groups ----

export async function loadGroups() {
  const list = await callAll('ListGroups', {}, 'Groups');
  return list.map((g) => ({name: text(g, 'GroupName'), arn: text(g, 'Arn'), path: text(g, 'Path'), created: text(g, 'CreateDate')}));
}

// ---- passwords ----

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SYMBOLS = '!@#$%^&*()_+-=[]{}|\'';

function pick(chars) {
  const b = new Uint32Array(1);
  crypto.getRandomValues(b);
  return chars[b[0] % chars.length];
}

// A password with every character class, at least `min` (and 20) characters long. [IMPL] made in
// the browser from crypto.getRandomValues; the account password policy sets the minimum length.
export function generatePassword(min = 20) {
  const len = Math.max(20, Math.min(128, min));
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < len) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const b = new Uint32Array(1);
    crypto.getRandomValues(b);
    const j = b[0] % (i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

async function minPasswordLength() {
  try {
    return Number(text(await call('GetAccountPasswordPolicy'), 'MinimumPasswordLength')) || 8;
  } catch {
    return 8;
  }
}

function csvField(v) {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
export function csv(rows) {
  return rows.map((r) => r.map((v) => csvField(String(v))).join(',')).join('\r\n') + '\r\n';
}

// ---- tags ----

// An editor of Key/Value rows ("Add new tag"); tags is the array it edits in place.
export function tagEditor(tags, {max = 50, idPrefix = 'tag'} = {}) {
  const rowsEl = h('div', {class: 'tag-rows'});
  const addBtn = h('button', {type: 'button', class: 'btn', id: `${idPrefix}-add`}, 'Add new tag');
  const note = h('p', {class: 'muted'});
  function draw(focusLast = false) {
    rowsEl.replaceChildren(...tags.map((t, i) => {
      const key = h('input', {type: 'text', class: 'input', id: `${idPrefix}-key-${i}`, maxlength: '128', autocomplete: 'off',
                              on: {input: () => {
                                t.key = key.value;
                              }}});
      key.value = t.key;
      const value = h('input', {type: 'text', class: 'input', id: `${idPrefix}-value-${i}`, maxlength: '256', autocomplete: 'off',
                                on: {input: () => {
                                  t.value = value.value;
                                }}});
      value.value = t.value;
      return h('div', {class: 'tag-row'},
               formField({label: 'Key', id: key.id, input: key}),
               formField({label: 'Value - optional', id: value.id, input: value}),
               h('button', {type: 'button', class: 'btn', 'aria-label': `Remove tag ${i + 1}`, on: {click: () => {
                 tags.splice(i, 1);
                 draw();
               }}}, 'Remove'));
    }));
    addBtn.disabled = tags.length >= max;
    note.textContent = tags.length ? `You can add ${max - tags.length} more tags.` : 'No tags associated with the resource.';
    if (focusLast) {
      const inputs = rowsEl.querySelectorAll('input');
      if (inputs.length) inputs[inputs.length - 2].focus();
    }
  }
  addBtn.addEventListener('click', () => {
    tags.push({key: '', value: ''});
    draw(true);
  });
  draw();
  return h('div', {class: 'tag-editor'}, note, rowsEl, addBtn);
}

// Problems with tags before they are sent (the server checks them again).
export function tagProblem(tags) {
  const keys = new Set();
  for (const t of tags) {
    if (!t.key.trim()) return 'Every tag needs a key.';
    if (keys.has(t.key)) return `The tag key ${t.key} appears twice.`;
    keys.add(t.key);
  }
  return null;
}

// ---- the page ----

export async function render(main, route) {
  const session = route.session || (await getSession());
  main.append(pageHeader({title: 'Create user', crumbs: [{label: 'IAM', href: '#/'}, {label: 'Users', href: '#/users'},
                                                          {label: 'Create user'}]}));
  const state = {
    userName: '', console: false, passwordKind: 'auto', customPassword: '', mustReset: true,
    permMode: 'group', groups: new Set(), copyFrom: null, policies: new Set(), useBoundary: false, boundary: null,
    tags: [],
    groupList: null, userList: null, policyList: null, // loaded once
  };
  const minLen = minPasswordLength();

  const steps = [
    {title: 'Specify user details', render: renderDetails, validate: (s) => {
      if (!s.userName) return 'Enter a user name.';
      if (!USER_NAME_RE.test(s.userName)) {
        return 'The user name can have up to 64 characters. Valid characters: A-Z, a-z, 0-9, and + = , . @ _ - (hyphen).';
      }
      if (s.console && s.passwordKind === 'custom' && !s.customPassword) return 'Enter a custom password.';
      return null;
    }},
    {title: 'Set permissions', render: renderPermissions, validate: (s) => {
      if (s.permMode === 'copy' && !s.copyFrom) return 'Choose a user to copy permissions from.';
      if (s.useBoundary && !s.boundary) return 'Choose a policy for the permissions boundary, or turn the boundary off.';
      return null;
    }},
    {title: 'Review and create', render: renderReview, validate: (s) => tagProblem(s.tags)},
  ];
  const w = wizard(steps, submit, {submitLabel: 'Create user', state, onCancel: () => {
    location.hash = '#/users';
  }});
  main.append(w);

  function renderDetails(panel, s) {
    const name = textField({label: 'User name', id: 'user-name', value: s.userName,
                            hint: 'The user name can have up to 64 characters. Valid characters: A-Z, a-z, 0-9, and + = , . @ _ - (hyphen)',
                            on: {input: (e) => {
                              s.userName = e.target.value.trim();
                            }}});
    const consoleBox = h('div', {class: 'console-options'});
    const cb = checkbox({label: 'Provide user access to the AWS Management Console - optional', id: 'user-console',
                         checked: s.console, hint: 'Gives the user a password to sign in to this console.',
                         on: {change: (e) => {
                           s.console = e.target.checked;
                           drawConsole();
                         }}});
    function drawConsole() {
      if (!s.console) {
        consoleBox.replaceChildren(h('div', {class: 'alert alert-info', role: 'status'},
            h('p', {class: 'alert-body'}, 'If you are creating programmatic access through access keys or service-specific ',
              'credentials for AWS CodeCommit or Amazon Keyspaces, you can generate them after you create this IAM user ',
              '(Security credentials tab, Create access key).')));
        return;
      }
      const custom = textField({label: 'Password', id: 'user-custom-password', type: 'password', value: s.customPassword,
                                autocomplete: 'new-password', hint: 'Must meet the account\'s password policy.',
                                on: {input: (e) => {
                                  s.customPassword = e.target.value;
                                }}});
      custom.hidden = s.passwordKind !== 'custom';
      const kind = radioGroup({legend: 'Console password', name: 'user-password-kind', value: s.passwordKind,
                               options: [{value: 'auto', label: 'Autogenerated password', hint: 'You can view the password after you create the user.'},
                                         {value: 'custom', label: 'Custom password', hint: 'Enter a custom password for the user.'}],
                               onChange: (v) => {
                                 s.passwordKind = v;
                                 custom.hidden = v !== 'custom';
                                 if (v === 'custom') custom.input.focus();
                               }});
      const reset = checkbox({label: 'Users must create a new password at next sign-in - Recommended', id: 'user-must-reset',
                              checked: s.mustReset, hint: 'Users automatically get the IAMUserChangePassword policy to allow them to change their own password.',
                              on: {change: (e) => {
                                s.mustReset = e.target.checked;
                              }}});
      consoleBox.replaceChildren(kind, custom, reset);
    }
    drawConsole();
    panel.append(container({title: 'User details', body: [name, cb, consoleBox]}));
  }

  function renderPermissions(panel, s) {
    const area = h('div');
    const modes = radioGroup({legend: 'Permissions options', name: 'user-perm-mode', value: s.permMode, tiles: true,
                              options: [{value: 'group', label: 'Add user to group',
                                         hint: 'Add user to an existing group, or create a new group. We recommend using groups to manage user permissions by job function.'},
                                        {value: 'copy', label: 'Copy permissions',
                                         hint: 'Copy all group memberships, attached managed policies, and inline policies from an existing user.'},
                                        {value: 'policies', label: 'Attach policies directly',
                                         hint: 'Attach a managed policy directly to a user. As a best practice, we recommend attaching policies to a group instead.'}],
                              onChange: (v) => {
                                s.permMode = v;
                                drawMode();
                              }});
    const boundaryArea = h('div');
    panel.append(container({title: 'Permissions options', body: modes}), area,
                 container({title: 'Set permissions boundary - optional', body: boundaryArea}));

    async function drawMode() {
      area.replaceChildren(h('p', {class: 'muted', role: 'status'}, 'Loading…'));
      try {
        if (s.permMode === 'group') area.replaceChildren(await groupsSection());
        else if (s.permMode === 'copy') area.replaceChildren(await copySection());
        else area.replaceChildren(await policiesSection());
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    }

    async function groupsSection() {
      if (!s.groupList) s.groupList = await loadGroups();
      const t = table({columns: [{header: 'Group name', cell: (g) => g.name}, {header: 'Path', cell: (g) => g.path}],
                       rows: s.groupList, selectable: 'multi', label: 'User groups', searchLabel: 'Search groups',
                       filter: (g) => g.name, rowLabel: (g) => g.name, empty: 'No groups', pageSize: 10,
                       initial: (g) => s.groups.has(g.name),
                       onSelect: (rows) => {
                         s.groups = new Set(rows.map((g) => g.name));
                       }});
      const createArea = h('div');
      const createBtn = h('button', {type: 'button', class: 'btn', id: 'user-create-group', on: {click: () => {
        const field = textField({label: 'User group name', id: 'new-group-name',
                                 hint: 'Up to 128 characters. Valid characters: A-Z, a-z, 0-9, and + = , . @ _ - (hyphen).'});
        const err = h('div');
        createArea.replaceChildren(h('form', {class: 'inline-form', on: {submit: async (e) => {
          e.preventDefault();
          const name = field.input.value.trim();
          try {
            await call('CreateGroup', {GroupName: name});
            s.groupList = await loadGroups();
            s.groups.add(name);
            notify(`User group ${name} created.`);
            drawMode();
          } catch (ex) {
            err.replaceChildren(errorAlert(ex));
          }
        }}}, field, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Create user group'),
        h('button', {type: 'button', class: 'btn btn-link', on: {click: () => createArea.replaceChildren()}}, 'Cancel')), err);
        field.input.focus();
      }}}, 'Create group');
      return container({title: 'User groups', count: s.groupList.length, actions: createBtn, body: [createArea, t.el]});
    }

    async function copySection() {
      if (!s.userList) {
        s.userList = (await callAll('ListUsers', {}, 'Users')).map((u) => ({name: text(u, 'UserName'), path: text(u, 'Path')}));
      }
      const t = table({columns: [{header: 'User name', cell: (u) => u.name}, {header: 'Path', cell: (u) => u.path}],
                       rows: s.userList, selectable: 'single', label: 'Users', searchLabel: 'Search users',
                       filter: (u) => u.name, rowLabel: (u) => u.name, empty: 'No users', pageSize: 10,
                       initial: (u) => u.name === s.copyFrom,
                       onSelect: (rows) => {
                         s.copyFrom = rows.length ? rows[0].name : null;
                       }});
      return container({title: 'Copy permissions from user', count: s.userList.length,
                        description: 'The new user gets the groups, the managed and inline policies and the permissions boundary of the user you choose.',
                        body: t.el});
    }

    async function policiesSection() {
      if (!s.policyList) s.policyList = await loadPolicies();
      const t = policyPicker({policies: s.policyList, initial: s.policies, label: 'Permissions policies', idPrefix: 'user-pol',
                              onSelect: (rows) => {
                                s.policies = new Set(rows.map((p) => p.arn));
                              }});
      return container({title: 'Permissions policies', count: s.policyList.length, body: t.el});
    }

    async function drawBoundary() {
      const cb = checkbox({label: 'Use a permissions boundary to control the maximum user permissions', id: 'user-use-boundary',
                           checked: s.useBoundary, hint: 'Use this advanced feature to delegate permission management to others.',
                           on: {change: (e) => {
                             s.useBoundary = e.target.checked;
                             drawBoundary();
                           }}});
      boundaryArea.replaceChildren(cb);
      if (!s.useBoundary) return;
      try {
        if (!s.policyList) s.policyList = await loadPolicies();
        const t = policyPicker({policies: s.policyList, selectable: 'single', initial: new Set(s.boundary ? [s.boundary] : []),
                                label: 'Permissions boundary policy', idPrefix: 'user-boundary',
                                onSelect: (rows) => {
                                  s.boundary = rows.length ? rows[0].arn : null;
                                }});
        boundaryArea.append(t.el);
      } catch (err) {
        boundaryArea.append(errorAlert(err));
      }
    }
    drawMode();
    drawBoundary();
  }

  function renderReview(panel, s) {
    const nameOf = (arn) => (s.policyList || []).find((p) => p.arn === arn)?.name || arn;
    const perms = [];
    if (s.permMode === 'group') perms.push(...[...s.groups].map((g) => ({name: g, type: 'Group'})));
    if (s.permMode === 'copy' && s.copyFrom) perms.push({name: `Copied from user ${s.copyFrom}`, type: 'Copy permissions'});
    if (s.permMode === 'policies') perms.push(...[...s.policies].map((a) => ({name: nameOf(a), type: 'Managed policy'})));
    if (s.useBoundary && s.boundary) perms.push({name: nameOf(s.boundary), type: 'Permissions boundary'});
    panel.append(
        container({title: 'User details', body: h('dl', {class: 'kv'},
                                                    h('dt', {}, 'User name'), h('dd', {id: 'review-user-name'}, s.userName),
                                                    h('dt', {}, 'Console password type'),
                                                    h('dd', {}, s.console ? (s.passwordKind === 'auto' ? 'Autogenerated' : 'Custom password') : 'None'),
                                                    h('dt', {}, 'Require password reset'),
                                                    h('dd', {}, s.console ? (s.mustReset ? 'Yes' : 'No') : '-'))}),
        container({title: 'Permissions summary', body: perms.length
            ? h('table', {class: 'table'}, h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col'}, 'Type'))),
                h('tbody', {}, perms.map((p) => h('tr', {}, h('td', {}, p.name), h('td', {}, p.type)))))
            : h('p', {class: 'muted'}, 'No permissions: the user can do nothing until it gets a policy.')}),
        container({title: 'Tags - optional', description: 'Tags are key-value pairs you can add to AWS resources to help identify, organize, or search for resources.',
                   body: tagEditor(s.tags, {idPrefix: 'user-tag'})}));
  }

  async function submit(s) {
    // What "Copy permissions" copies is read before anything is created.
    let copy = null;
    if (s.permMode === 'copy' && s.copyFrom) {
      const u = {UserName: s.copyFrom};
      const [groups, attached, inline, user] = await Promise.all([
        callAll('ListGroupsForUser', u, 'Groups'), callAll('ListAttachedUserPolicies', u, 'AttachedPolicies'),
        callAll('ListUserPolicies', u, 'PolicyNames'), call('GetUser', u)]);
      const inlineDocs = await Promise.all(inline.map(async (m) => {
        const r = await call('GetUserPolicy', {...u, PolicyName: m.textContent});
        return {name: m.textContent, document: decodeURIComponent(text(r, 'PolicyDocument'))};
      }));
      const boundaryEl = user.getElementsByTagNameNS('*', 'PermissionsBoundary')[0];
      copy = {groups: groups.map((g) => text(g, 'GroupName')), policies: attached.map((p) => text(p, 'PolicyArn')),
              inline: inlineDocs, boundary: boundaryEl ? text(boundaryEl, 'PermissionsBoundaryArn') : null};
    }
    const boundary = s.useBoundary && s.boundary ? s.boundary : copy && copy.boundary ? copy.boundary : null;
    let password = null;
    if (s.console) password = s.passwordKind === 'custom' ? s.customPassword : generatePassword(await minLen);

    const params = {UserName: s.userName, ...tagParams(s.tags.map((t) => ({key: t.key.trim(), value: t.value})))};
    if (boundary) params.PermissionsBoundary = boundary;
    await call('CreateUser', params); // fails whole: the wizard shows the error and nothing was made

    // From here the user exists: a failure is reported with what was done.
    const done = [`User ${s.userName} created.`];
    try {
      if (password !== null) {
        await call('CreateLoginProfile', {UserName: s.userName, Password: password, PasswordResetRequired: String(!!s.mustReset)});
        done.push('Console password set.');
      }
      const groups = s.permMode === 'group' ? [...s.groups] : copy ? copy.groups : [];
      for (const g of groups) {
        await call('AddUserToGroup', {UserName: s.userName, GroupName: g});
        done.push(`Added to group ${g}.`);
      }
      const policies = s.permMode === 'policies' ? [...s.policies] : copy ? copy.policies : [];
      for (const arn of policies) {
        await call('AttachUserPolicy', {UserName: s.userName, PolicyArn: arn});
        done.push(`Attached ${arn}.`);
      }
      for (const p of copy ? copy.inline : []) {
        await call('PutUserPolicy', {UserName: s.userName, PolicyName: p.name, PolicyDocument: p.document});
        done.push(`Inline policy ${p.name} copied.`);
      }
    } catch (err) {
      main.replaceChildren(...[pageHeader({title: 'Create user', crumbs: [{label: 'IAM', href: '#/'}, {label: 'Users', href: '#/users'}]}),
                           h('div', {class: 'alert alert-warning', role: 'alert'},
                             h('p', {class: 'alert-title'}, 'The user was created, but not everything you chose was applied.'),
                             h('ul', {class: 'plain-list'}, done.map((d) => h('li', {}, d)))),
                           errorAlert(err),
                           password !== null && done.includes('Console password set.') ? retrievePassword(s.userName, password, session) : null,
                           h('p', {}, h('a', {class: 'btn btn-primary', href: `#/users/${encodeURIComponent(s.userName)}`}, 'View user'))]
          .filter(Boolean));
      return;
    }
    if (password !== null) {
      main.replaceChildren(pageHeader({title: 'Retrieve password', crumbs: [{label: 'IAM', href: '#/'}, {label: 'Users', href: '#/users'},
                                                                           {label: 'Create user'}]}),
                           h('div', {class: 'alert alert-success', role: 'status'},
                             h('p', {class: 'alert-title'}, 'User created successfully'),
                             h('p', {class: 'alert-body'}, 'You can view and download the user\'s password below. This is the only time you can view this password.')),
                           retrievePassword(s.userName, password, session),
                           h('div', {class: 'actions'},
                             h('a', {class: 'btn', href: '#/users'}, 'Return to users list'),
                             h('a', {class: 'btn btn-primary', href: `#/users/${encodeURIComponent(s.userName)}`}, 'View user')));
      const h1 = main.querySelector('h1');
      if (h1) {
        h1.tabIndex = -1;
        h1.focus();
      }
      return;
    }
    notify(h('span', {}, `User ${s.userName} created successfully. To give it programmatic access, `,
             h('a', {href: `#/users/${encodeURIComponent(s.userName)}?tab=security_credentials`}, 'create an access key'),
             ' on its Security credentials tab.'));
    location.hash = `#/users/${encodeURIComponent(s.userName)}`;
  }
}

// The console sign-in details of a new password: shown once, with Show and Download .csv file.
export function retrievePassword(userName, password, session) {
  const url = session.accountAlias ? `${location.origin}/console/?account=${encodeURIComponent(session.accountAlias)}`
                                   : session.signInUrl || `${location.origin}/console/?account=${session.accountId}`;
  const secret = h('span', {class: 'secret', id: 'retrieve-password'}, '********');
  let shown = false;
  const show = h('button', {type: 'button', class: 'btn btn-small', id: 'retrieve-password-show', 'aria-controls': 'retrieve-password',
                            on: {click: () => {
                              shown = !shown;
                              secret.textContent = shown ? password : '********';
                              show.textContent = shown ? 'Hide' : 'Show';
                            }}}, 'Show');
  return container({title: 'Console sign-in details', body: [
    h('dl', {class: 'kv'},
      h('dt', {}, 'Console sign-in URL'), h('dd', {}, h('a', {href: url, class: 'break'}, url), ' ', copyButton(url, 'Copy')),
      h('dt', {}, 'User name'), h('dd', {}, userName, ' ', copyButton(userName, 'Copy')),
      h('dt', {}, 'Console password'), h('dd', {}, secret, ' ', show, ' ', copyButton(password, 'Copy password'))),
    h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'btn', id: 'retrieve-password-download', on: {click: () => {
        downloadFile(`${userName}_credentials.csv`, csv([['User name', 'Password', 'Console sign-in URL'], [userName, password, url]]));
      }}}, 'Download .csv file'))]});
}

