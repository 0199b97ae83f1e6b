// Account settings: "Password policy" (view, Edit with AWS's fields ->
// UpdateAccountPasswordPolicy, Delete -> the IAM default), "Account alias" and "Security Token
// Service (STS)" (the global endpoint's session token version).

import {call, text, members, getSession, setSession} from '../api.js';
import {h, notify, confirmDialog} from '../ui.js';
import {heading, errorSlot, button, busy, section, summary, field, checkbox, radioCards, modal} from '../iam-common.js';

const SYMBOLS = "! @ # $ % ^ & * ( ) _ + - = [ ] { } | '";
const ALIAS_RE = /^[a-z0-9](([a-z0-9]|-(?!-)){1,61})[a-z0-9]$/;

function readPolicy(res) {
  const b = (tag) => text(res, tag) === 'true';
  return {
    minLength: Number(text(res, 'MinimumPasswordLength') || 6),
    symbols: b('RequireSymbols'),
    numbers: b('RequireNumbers'),
    upper: b('RequireUppercaseCharacters'),
    lower: b('RequireLowercaseCharacters'),
    allowChange: b('AllowUsersToChangePassword'),
    expire: b('ExpirePasswords'),
    maxAge: Number(text(res, 'MaxPasswordAge') || 0),
    reuse: Number(text(res, 'PasswordReusePrevention') || 0),
    hardExpiry: b('HardExpiry'),
  };
}

const yesNo = (v) => (v ? 'Yes' : 'No');

export async function render(main) {
  main.append(heading('Account settings'));
  const pwErrs = errorSlot();
  const pwBox = h('div', {});
  main.append(section('Password policy', pwErrs, pwBox));

  async function loadPolicy() {
    let policy = null;
    try {
      policy = readPolicy(await call('GetAccountPasswordPolicy', {}));
    } catch (err) {
      if (err.code !== 'NoSuchEntity') {
        pwBox.replaceChildren();
        pwErrs.show(err);
        return;
      }
    }
    const edit = button('Edit', () => editPolicy(policy), {ariaLabel: 'Edit password policy'});
    const del = policy ? button('Delete', async () => {
      const ok = await confirmDialog({title: 'Delete the password policy?',
                                      body: 'The account goes back to the IAM default password policy.',
                                      confirmLabel: 'Delete'});
      if (!ok) return;
      await busy(del, async () => {
        pwErrs.clear();
        try {
          await call('DeleteAccountPasswordPolicy', {});
          notify('Password policy deleted. The IAM default password policy applies.');
          await loadPolicy();
        } catch (err) {
          pwErrs.show(err);
        }
      });
    }, {ariaLabel: 'Delete password policy'}) : null;
    const actions = h('div', {class: 'iam-actions'}, edit, del);
    if (!policy) {
      pwBox.replaceChildren(actions,
                            h('p', {}, 'This AWS account uses the following default password policy:'),
                            h('ul', {},
                              h('li', {}, 'Minimum password length is 8 characters'),
                              h('li', {}, `Include a minimum of three of the following mix of character types: uppercase, lowercase, numbers, and non-alphanumeric characters (${SYMBOLS})`),
                              h('li', {}, 'Must not be identical to your AWS account name or email address')));
      return;
    }
    pwBox.replaceChildren(actions, summary([
      ['Minimum password length', `${policy.minLength} characters`],
      ['Require at least one uppercase letter from the Latin alphabet (A-Z)', yesNo(policy.upper)],
      ['Require at least one lowercase letter from the Latin alphabet (a-z)', yesNo(policy.lower)],
      ['Require at least one number', yesNo(policy.numbers)],
      [`Require at least one non-alphanumeric character (${SYMBOLS})`, yesNo(policy.symbols)],
      ['Password expiration', policy.expire && policy.maxAge ? `Expire passwords in ${policy.maxAge} day(s)` : 'Never expire'],
      ['Password expiration requires administrator reset', yesNo(policy.hardExpiry)],
      ['Allow users to change their own password', yesNo(policy.allowChange)],
      ['Prevent password reuse', policy.reuse ? `Remember ${policy.reuse} password(s)` : 'No'],
    ]));
  }

  function editPolicy(policy) {
    const p = policy || {minLength: 8, upper: true, lower: true, numbers: true, symbols: true, allowChange: true,
                         expire: false, maxAge: 90, reuse: 0, hardExpiry: false};
    const mode = radioCards('pw-mode', 'Password policy', [
      {value: 'default', label: 'IAM default', hint: 'Apply default password requirements.'},
      {value: 'custom', label: 'Custom', hint: 'Apply customized password requirements.'},
    ], policy ? 'custom' : 'default');
    const minLen = field('Password minimum length', {id: 'pw-min-length', type: 'number', value: String(p.minLength),
                                                      hint: 'Enforce a minimum length of characters: 6 to 128.'});
    minLen.input.min = '6';
    minLen.input.max = '128';
    const upper = checkbox('Require at least one uppercase letter from the Latin alphabet (A-Z)', {id: 'pw-upper', checked: p.upper});
    const lower = checkbox('Require at least one lowercase letter from the Latin alphabet (a-z)', {id: 'pw-lower', checked: p.lower});
    const numbers = checkbox('Require at least one number', {id: 'pw-numbers', checked: p.numbers});
    const symbols = checkbox(`Require at least one non-alphanumeric character (${SYMBOLS})`, {id: 'pw-symbols', checked: p.symbols});
    const expire = checkbox('Turn on password expiration', {id: 'pw-expire', checked: p.expire});
    const maxAge = field('Expire passwords in day(s)', {id: 'pw-max-age', type: 'number', value: String(p.maxAge || 90),
                                                        hint: 'Between 1 and 1095 days.'});
    maxAge.input.min = '1';
    maxAge.input.max = '1095';
    const hard = checkbox('Password expiration requires administrator reset', {id: 'pw-hard-expiry', checked: p.hardExpiry,
                                                                                hint: 'Users cannot reset their own expired password.'});
    const allow = checkbox('Allow users to change their own password', {id: 'pw-allow-change', checked: p.allowChange});
    const reuse = checkbox('Prevent password reuse', {id: 'pw-reuse', checked: p.reuse > 0});
    const reuseN = field('Remember password(s)', {id: 'pw-reuse-count', type: 'number', value: String(p.reuse || 5),
                                                  hint: 'Between 1 and 24 passwords.'});
    reuseN.input.min = '1';
    reuseN.input.max = '24';
    const custom = h('div', {}, minLen.el, h('h3', {}, 'Password strength'), upper.el, lower.el, numbers.el, symbols.el,
                     h('h3', {}, 'Other requirements'), expire.el, maxAge.el, hard.el, allow.el, reuse.el, reuseN.el);
    const sync = () => {
      custom.hidden = mode.value() !== 'custom';
      maxAge.el.hidden = !expire.input.checked;
      reuseN.el.hidden = !reuse.input.checked;
    };
    mode.onChange(sync);
    expire.input.addEventListener('change', sync);
    reuse.input.addEventListener('change', sync);
    sync();
    const save = button('Save changes', null, {primary: true});
    const derrs = errorSlot();
    const dlg = modal('Edit password policy', [derrs, mode.el, custom], [save]);
    save.addEventListener('click', () => busy(save, async () => {
      derrs.clear();
      try {
        if (mode.value() === 'default') {
          if (policy) await call('DeleteAccountPasswordPolicy', {});
          notify('The IAM default password policy applies.');
        } else {
          const n = Number(minLen.input.value);
          if (!Number.isInteger(n) || n < 6 || n > 128) throw {code: 'ValidationError', message: 'Password minimum length must be between 6 and 128.'};
          const params = {
            MinimumPasswordLength: String(n),
            RequireUppercaseCharacters: String(upper.input.checked),
            RequireLowercaseCharacters: String(lower.input.checked),
            RequireNumbers: String(numbers.input.checked),
            RequireSymbols: String(symbols.input.checked),
            AllowUsersToChangePassword: String(allow.input.checked),
            HardExpiry: String(hard.input.checked),
          };
          if (expire.input.checked) {
            const d = Number(maxAge.input.value);
            if (!Number.isInteger(d) || d < 1 || d > 1095) throw {code: 'ValidationError', message: 'Password expiration must be between 1 and 1095 days.'};
            params.MaxPasswordAge = String(d);
          }
          if (reuse.input.checked) {
            const r = Number(reuseN.input.value);
            if (!Number.isInteger(r) || r < 1 || r > 24) throw {code: 'ValidationError', message: 'Remember between 1 and 24 passwords.'};
            params.PasswordReusePrevention = String(r);
          }
          await call('UpdateAccountPasswordPolicy', params);
          notify('Password policy updated.');
        }
        dlg.close();
        await loadPolicy();
      } catch (err) {
        derrs.show(err);
      }
    }));
  }

  // ---- Account alias ----
  const aliasErrs = errorSlot();
  const aliasBox = h('div', {});
  main.append(section('Account alias', aliasErrs, aliasBox));
  async function refreshSession() {
    try {
      setSession(await getSession(true));
    } catch {
      // the next navigation reads it again
    }
  }
  async function loadAlias() {
    let alias = '';
    try {
      alias = (members(await call('ListAccountAliases', {}), 'AccountAliases')[0] || {}).textContent || '';
    } catch (err) {
      aliasBox.replaceChildren();
      aliasErrs.show(err);
      return;
    }
    const session = await getSession().catch(() => ({}));
    const edit = button(alias ? 'Edit' : 'Create', () => {
      const f = field('Preferred alias', {id: 'account-alias', value: alias,
                                          hint: '3 to 63 lowercase letters, digits and hyphens; it must start and end with a letter or digit.'});
      const save = button('Save changes', null, {primary: true});
      const derrs = errorSlot();
      const dlg = modal(alias ? 'Edit account alias' : 'Create account alias', [derrs, f.el], [save]);
      save.addEventListener('click', () => busy(save, async () => {
        derrs.clear();
        const v = f.input.value.trim();
        try {
          if (!ALIAS_RE.test(v)) throw {code: 'ValidationError', message: 'The alias must be 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.'};
          // One alias per account: CreateAccountAlias replaces the old one, as in AWS.
          if (v !== alias) await call('CreateAccountAlias', {AccountAlias: v});
          notify(`Account alias ${v} saved.`);
          dlg.close();
          await refreshSession();
          await loadAlias();
        } catch (err) {
          derrs.show(err);
        }
      }));
    }, {ariaLabel: alias ? 'Edit account alias' : 'Create account alias'});
    const del = alias ? button('Delete', async () => {
      const ok = await confirmDialog({title: `Delete the alias ${alias}?`,
                                      body: 'The sign-in URL for IAM users then uses the account ID.', confirmLabel: 'Delete'});
      if (!ok) return;
      try {
        await call('DeleteAccountAlias', {AccountAlias: alias});
        notify('Account alias deleted.');
        await refreshSession();
        await loadAlias();
      } catch (err) {
        aliasErrs.show(err);
      }
    }, {ariaLabel: 'Delete account alias'}) : null;
    aliasBox.replaceChildren(h('div', {class: 'iam-actions'}, edit, del), summary([
      ['Account alias', alias || 'None'],
      ['Sign-in URL for IAM users in this account', (session && session.signInUrl) || '-'],
    ]));
  }

  // ---- STS ----
  const stsErrs = errorSlot();
  const stsBox = h('div', {});
  main.append(section('Security Token Service (STS)', stsErrs, stsBox));
  async function loadSts() {
    let version = '';
    try {
      const res = await call('GetAccountSummary', {});
      for (const entry of res.getElementsByTagNameNS('*', 'entry')) {
        if (text(entry, 'key') === 'GlobalEndpointTokenVersion') version = text(entry, 'value');
      }
    } catch (err) {
      stsBox.replaceChildren();
      stsErrs.show(err);
      return;
    }
    const v2 = version === '2';
    const change = button(v2 ? 'Change to: Valid only in AWS Regions enabled by default' : 'Change to: Valid in all AWS Regions', async () => {
      await busy(change, async () => {
        stsErrs.clear();
        try {
          await call('SetSecurityTokenServicePreferences', {GlobalEndpointTokenVersion: v2 ? 'v1Token' : 'v2Token'});
          notify('Session tokens from the global endpoint changed.');
          await loadSts();
        } catch (err) {
          stsErrs.show(err);
        }
      });
    });
    stsBox.replaceChildren(summary([
      ['Session tokens from the STS endpoints', version ? (v2 ? 'Valid in all AWS Regions' : 'Valid only in AWS Regions enabled by default') : '-'],
      ['Global endpoint token version', version ? `v${version}Token` : '-'],
    ]), h('div', {class: 'iam-actions'}, change));
  }

  await Promise.all([loadPolicy(), loadAlias(), loadSts()]);
}
