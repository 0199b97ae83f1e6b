// IAM dashboard: account ID, alias (create, edit, delete), the sign-in URL for IAM users,
// resource counts (GetAccountSummary) and security recommendations.

import {call, callAll, members, text} from '../api.js';
import {ageDays, confirmDialog, container, copyButton, errorAlert, h, loading, notify, pageHeader, textField} from '../ui.js';

const OLD_KEY_DAYS = 90;

function summaryMap(result) {
  const map = {};
  const sm = result.getElementsByTagNameNS('*', 'SummaryMap')[0];
  if (!sm) return map;
  for (const entry of sm.children) {
    if (entry.localName !== 'entry') continue;
    map[text(entry, 'key')] = Number(text(entry, 'value'));
  }
  return map;
}

// Runs fn over items with at most `limit` at once.
async function pool(items, limit, fn) {
  const out = [];
  let i = 0;
  async function worker() {
    while (i < items.length) {
      const mine = i++;
      out[mine] = await fn(items[mine]);
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
  return out;
}

export async function render(main, route) {
  const session = route.session;
  main.append(pageHeader({title: 'IAM Dashboard'}));

  const counts = h('div', {class: 'container-body'}, loading('Loading resources'));
  const recs = h('div', {class: 'container-body'}, loading('Checking'));
  const account = h('div', {class: 'container-body'});
  main.append(
      h('section', {class: 'container'}, h('div', {class: 'container-header'}, h('h2', {}, 'Security recommendations')), recs),
      h('section', {class: 'container'}, h('div', {class: 'container-header'}, h('h2', {}, 'IAM resources')), counts),
      h('section', {class: 'container'}, h('div', {class: 'container-header'}, h('h2', {}, 'AWS Account')), account));

  let alias = session.accountAlias || null;
  drawAccount();
  loadAlias();
  let summary = null;
  try {
    summary = summaryMap(await call('GetAccountSummary'));
    const stat = (label, key, href) => h('a', {class: 'stat', href}, h('span', {class: 'stat-label'}, label),
                                           h('span', {class: 'stat-value', 'data-key': key}, String(summary[key] ?? 0)));
    counts.replaceChildren(h('div', {class: 'grid'},
                             stat('User groups', 'Groups', '#/groups'),
                             stat('Users', 'Users', '#/users'),
                             stat('Roles', 'Roles', '#/roles'),
                             stat('Policies', 'Policies', '#/policies'),
                             stat('Identity providers', 'Providers', '#/identity-providers')));
  } catch (err) {
    counts.replaceChildren(errorAlert(err));
  }
  await drawRecommendations(summary);

  async function loadAlias() {
    try {
      const r = await call('ListAccountAliases');
      const list = members(r, 'AccountAliases').map((m) => m.textContent);
      alias = list[0] || null;
      drawAccount();
    } catch {
      // Not allowed to list aliases: the session's alias stands.
    }
  }

  function signInUrl() {
    if (alias) return `${location.origin}/console/?account=${encodeURIComponent(alias)}`;
    return session.signInUrl || `${location.origin}/console/?account=${session.accountId}`;
  }

  function drawAccount(editing = false, error = null) {
    const url = signInUrl();
    const aliasValue = editing ? aliasForm() : h('span', {id: 'account-alias'}, alias || h('span', {class: 'muted'}, 'None'));
    const aliasActions = editing ? null : h('span', {class: 'actions'},
        h('button', {type: 'button', class: 'btn btn-small', id: 'alias-edit', on: {click: () => drawAccount(true)}},
          alias ? 'Edit' : 'Create'),
        alias ? h('button', {type: 'button', class: 'btn btn-small', id: 'alias-delete', on: {click: deleteAlias}}, 'Delete') : null);
    account.replaceChildren(...[
        error ? errorAlert(error) : null,
        h('dl', {class: 'kv'},
          h('dt', {}, 'Account ID'), h('dd', {}, h('span', {class: 'mono', id: 'account-id'}, session.accountId), ' ',
                                       copyButton(session.accountId, 'Copy')),
          h('dt', {}, 'Account Alias'), h('dd', {}, aliasValue, ' ', aliasActions),
          h('dt', {}, 'Sign-in URL for IAM users in this account'),
          h('dd', {}, h('a', {href: url, class: 'break', id: 'signin-url'}, url), ' ', copyButton(url, 'Copy')))].filter(Boolean));
    if (editing) {
      const input = account.querySelector('#alias-input');
      if (input) input.focus();
    }
  }

  function aliasForm() {
    const field = textField({label: 'Preferred alias', id: 'alias-input', value: alias || '',
                             hint: 'Lowercase letters, digits and hyphens; 3 to 63 characters; no hyphen at either end.'});
    const save = h('button', {type: 'submit', class: 'btn btn-primary btn-small'}, 'Save changes');
    return h('form', {class: 'inline-form', on: {submit: async (e) => {
      e.preventDefault();
      const v = field.input.value.trim();
      save.disabled = true;
      try {
        // One alias per account: CreateAccountAlias replaces the old one (as in AWS), so a refused
        // or taken new alias leaves the old one in place.
        if (v && v !== alias) await call('CreateAccountAlias', {AccountAlias: v});
        else if (!v && alias) await call('DeleteAccountAlias', {AccountAlias: alias});
        alias = v || null;
        notify(v ? `The account alias is now ${v}.` : 'The account alias was removed.');
        drawAccount();
      } catch (err) {
        save.disabled = false;
        const input = account.querySelector('#alias-input');
        const typed = input ? input.value : v;
        drawAccount(true, err);
        const again = account.querySelector('#alias-input');
        if (again) again.value = typed;
      }
    }}}, field, save,
    h('button', {type: 'button', class: 'btn btn-link btn-small', on: {click: () => drawAccount()}}, 'Cancel'));
  }

  async function deleteAlias() {
    const ok = await confirmDialog({title: 'Delete account alias',
                                    body: `Delete the alias ${alias}? The sign-in URL with the alias stops working; the one with the account ID keeps working.`,
                                    confirmLabel: 'Delete'});
    if (!ok) return;
    try {
      await call('DeleteAccountAlias', {AccountAlias: alias});
      alias = null;
      notify('The account alias was removed.');
      drawAccount();
    } catch (err) {
      drawAccount(false, err);
    }
  }

  async function drawRecommendations(sm) {
    const out = [];
    const item = (ok, title, detail, link) => h('li', {class: ok ? 'rec rec-ok' : 'rec rec-bad'},
                                                h('span', {class: ok ? 'status-ok' : 'status-bad', 'aria-hidden': 'true'}, ok ? '✓ ' : '⚠ '),
                                                h('strong', {}, title), detail ? [' — ', detail] : null,
                                                link ? [' ', link] : null);
    if (sm) {
      const mfa = sm.AccountMFAEnabled === 1;
      out.push(item(mfa, mfa ? 'Root user has MFA' : 'Add MFA for root user',
                    mfa ? 'The root user signs in with multi-factor authentication.'
                        : 'Add multi-factor authentication (MFA) for the root user to improve the security of this account.',
                    !mfa && route.session && route.session.principal && route.session.principal.type === 'root'
                      ? h('a', {href: '#/security-credentials'}, 'Assign MFA') : null));
      const keys = sm.AccountAccessKeysPresent === 1;
      out.push(item(!keys, keys ? 'Root user has access keys' : 'Root user has no active access keys',
                    keys ? 'Delete the root user\'s access keys: use IAM users or roles for programmatic access instead.'
                         : 'Using access keys of an IAM user or a role instead of the root user improves security.',
                    keys && route.session && route.session.principal && route.session.principal.type === 'root'
                      ? h('a', {href: '#/security-credentials'}, 'Manage access keys') : null));
    } else {
      out.push(h('li', {class: 'muted'}, 'The root user\'s MFA and access keys could not be checked (GetAccountSummary).'));
    }
    const list = h('ul', {class: 'recs plain-list'}, out);
    recs.replaceChildren(list);
    const oldLine = h('li', {class: 'muted'}, 'Checking the age of the users\' access keys…');
    list.appendChild(oldLine);
    try {
      const users = await callAll('ListUsers', {}, 'Users');
      const names = users.map((u) => text(u, 'UserName'));
      const old = [];
      await pool(names, 4, async (name) => {
        const keys = members(await call('ListAccessKeys', {UserName: name}), 'AccessKeyMetadata');
        for (const k of keys) {
          const age = ageDays(text(k, 'CreateDate'));
          if (text(k, 'Status') === 'Active' && age !== null && age > OLD_KEY_DAYS) old.push({name, id: text(k, 'AccessKeyId'), age});
        }
      });
      const userLinks = [...new Set(old.map((o) => o.name))].map((n, i) => [i ? ', ' : null,
        h('a', {href: `#/users/${encodeURIComponent(n)}?tab=security_credentials`}, n)]);
      oldLine.replaceWith(old.length
          ? item(false, `${old.length} active access key${old.length === 1 ? ' is' : 's are'} older than ${OLD_KEY_DAYS} days`,
                 h('span', {}, 'Rotate them: ', userLinks))
          : item(true, `No active access keys older than ${OLD_KEY_DAYS} days`, `${names.length} user${names.length === 1 ? '' : 's'} checked.`));
    } catch (err) {
      oldLine.replaceWith(h('li', {}, 'The users\' access keys could not be checked: ', errorAlert(err)));
    }
  }
}
