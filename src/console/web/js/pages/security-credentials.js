// Security credentials of the signed-in principal (the account menu's "Security credentials").
// The root user: its MFA devices (AWS lets the root assign them in the console only: the device
// is made with CreateVirtualMFADevice, then /console/api/root-mfa/enable takes the two codes),
// its own access keys (IAM's key calls without UserName) and its console password. An IAM
// user: the same over its own user (IAM's calls with its UserName). A switched role has none.

import {call, callAll, getSession, postJson, text} from '../api.js';
import {checkbox, confirmDialog, container, copyButton, downloadFile, errorAlert, formatDate, h, notify, pageHeader,
        textField, timeAgo} from '../ui.js';
import {csv} from './user-create.js';

const MAX_DEVICES = 8;  // AWS: 8 MFA devices for the root user and for each IAM user
const MAX_KEYS = 2;

export async function render(main, route) {
  const session = route.session || (await getSession());
  const p = session.principal || {};
  const root = p.type === 'root';
  main.append(pageHeader({title: 'Security credentials', crumbs: [{label: 'IAM', href: '#/'}, {label: 'Security credentials'}]}));
  if (session.role || (p.type !== 'root' && p.type !== 'user')) {
    main.append(container({body: h('p', {}, 'You are signed in with a role. Switch back to see the security credentials you signed in with.')}));
    return;
  }
  const userName = root ? null : (p.userName || p.name);
  // The IAM calls' target: the root's own (no UserName), or the user's.
  const who = root ? {} : {UserName: userName};
  const label = root ? 'the root user' : userName;

  main.append(accountDetails(session, root));
  const mfaBox = h('div', {id: 'sc-mfa'});
  const keysBox = h('div', {id: 'sc-keys'});
  const passwordBox = h('div', {id: 'sc-password'});
  main.append(mfaBox, keysBox, passwordBox);
  drawPassword(passwordBox, root);
  await Promise.all([drawMfa(mfaBox, {root, who, label}), drawKeys(keysBox, {root, who, userName})]);
}

function accountDetails(session, root) {
  const p = session.principal || {};
  return container({title: root ? 'Account details' : 'Summary', body: h('dl', {class: 'kv'},
    root && session.accountName ? [h('dt', {}, 'Account name'), h('dd', {}, session.accountName)] : null,
    !root ? [h('dt', {}, 'User name'), h('dd', {}, p.userName || p.name)] : null,
    h('dt', {}, 'AWS account ID'), h('dd', {class: 'mono'}, session.accountId, ' ', copyButton(session.accountId, 'Copy account ID')),
    session.accountAlias ? [h('dt', {}, 'Account alias'), h('dd', {}, session.accountAlias)] : null,
    h('dt', {}, 'ARN'), h('dd', {class: 'mono break'}, p.arn, ' ', copyButton(p.arn, 'Copy ARN')),
    h('dt', {}, 'Signed in with MFA'), h('dd', {id: 'sc-session-mfa'}, session.mfa ? 'Yes' : 'No'))});
}

// ---- Multi-factor authentication (MFA) ----

async function drawMfa(box, {root, who, label}) {
  const title = 'Multi-factor authentication (MFA)';
  let devices;
  try {
    devices = await callAll('ListMFADevices', who, 'MFADevices');
  } catch (err) {
    box.replaceChildren(container({title, body: errorAlert(err)}));
    return;
  }
  const area = h('div');
  const rows = devices.map((d) => ({serial: text(d, 'SerialNumber'), enabled: text(d, 'EnableDate')}));
  const list = rows.length
      ? h('table', {class: 'table', id: 'sc-mfa-devices'},
          h('thead', {}, h('tr', {}, ['Type', 'Identifier', 'Created on', 'Actions'].map((c) => h('th', {scope: 'col'}, c)))),
          h('tbody', {}, rows.map((r) => h('tr', {},
            h('td', {}, r.serial.includes(':mfa/') ? 'Virtual' : 'Hardware TOTP token'),
            h('td', {class: 'break mono'}, r.serial),
            h('td', {}, formatDate(r.enabled)),
            h('td', {}, h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `Remove ${r.serial}`,
                                     on: {click: () => remove(r.serial)}}, 'Remove'))))))
      : h('p', {class: 'muted', id: 'sc-mfa-none'}, root
          ? 'No MFA devices. Assign an MFA device to improve the security of your AWS environment.'
          : 'No MFA devices. Assign an MFA device to improve the security of your user.');
  const advice = root && !rows.length
      ? h('div', {class: 'alert alert-warning', role: 'status'},
          h('p', {class: 'alert-title'}, 'Add MFA for root user'),
          h('p', {class: 'alert-body'}, 'AWS recommends that you assign an MFA device to the root user: with it, signing in needs the code of the device as well as the password.'))
      : null;
  box.replaceChildren(container({title, count: rows.length,
                                 description: 'Use MFA to increase the security of your AWS environment. Signing in with MFA requires an authentication code from an MFA device. Each user can have a maximum of 8 MFA devices assigned.',
                                 actions: h('button', {type: 'button', class: 'btn', id: 'mfa-assign', disabled: rows.length >= MAX_DEVICES,
                                                       on: {click: assign}}, 'Assign MFA device'),
                                 body: [advice, area, list]}));

  async function remove(serial) {
    const ok = await confirmDialog({title: 'Remove MFA device?',
                                    body: `The device ${serial} no longer signs in ${label}. The device is deleted.`,
                                    confirmLabel: 'Remove'});
    if (!ok) return;
    try {
      if (root) {
        await postJson('/console/api/root-mfa/deactivate', {serialNumber: serial});
      } else {
        await call('DeactivateMFADevice', {...who, SerialNumber: serial});
      }
      if (serial.includes(':mfa/')) {
        await call('DeleteVirtualMFADevice', {SerialNumber: serial}).catch((e) => {
          if (e.code !== 'NoSuchEntity') throw e;
        });
      }
      notify('MFA device removed.');
      await drawMfa(box, {root, who, label});
    } catch (err) {
      area.replaceChildren(errorAlert(err));
    }
  }

  function assign() {
    const nameField = textField({label: 'Device name', id: 'mfa-device-name', value: root ? 'root-account-mfa-device' : who.UserName,
                                 hint: 'Enter a meaningful name to identify this device. Maximum 128 characters. Use alphanumeric and \'+ = , . @ - _\' characters.'});
    const err = h('div');
    const next = h('button', {type: 'submit', class: 'btn btn-primary', id: 'mfa-next'}, 'Next');
    area.replaceChildren(container({title: 'Select MFA device', level: 'h3', body: h('form', {novalidate: true, 'aria-label': 'Select MFA device', on: {submit: async (e) => {
      e.preventDefault();
      err.replaceChildren();
      next.disabled = true;
      try {
        setUp(await call('CreateVirtualMFADevice', {VirtualMFADeviceName: nameField.input.value.trim()}));
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
      seed = atob(text(r, 'Base32StringSeed').replace(/\s+/g, ''));  // a blob: base64 of the base32 text
    } catch {
      seed = text(r, 'Base32StringSeed');
    }
    const secret = h('span', {class: 'secret mono', id: 'mfa-secret', hidden: true}, seed);
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
      // The device was made for this assignment: leave none behind unassigned.
      await call('DeleteVirtualMFADevice', {SerialNumber: serial}).catch(() => null);
      area.replaceChildren();
    }}}, 'Cancel');
    area.replaceChildren(container({title: 'Set up device', level: 'h3', body: h('form', {novalidate: true, 'aria-label': 'Set up device', on: {submit: async (e) => {
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
        if (root) {
          await postJson('/console/api/root-mfa/enable', {serialNumber: serial, code1: a, code2: b});
        } else {
          await call('EnableMFADevice', {...who, SerialNumber: serial, AuthenticationCode1: a, AuthenticationCode2: b});
        }
        notify('MFA device assigned.');
        await drawMfa(box, {root, who, label});
      } catch (ex) {
        go.disabled = false;
        err.replaceChildren(errorAlert(ex));
      }
    }}}, err,
    h('ol', {class: 'steps-list'},
      h('li', {}, 'Install a compatible application such as Google Authenticator, Duo Mobile, or Authy app on your mobile device or computer.'),
      h('li', {}, 'Open your authenticator app, and scan the QR code; alternatively, type the secret key. ',
        png ? h('img', {class: 'qr', id: 'mfa-qr', src: `data:image/png;base64,${png}`, alt: `QR code for the MFA device ${serial}`}) : null,
        showSecret, ' ', secret),
      h('li', {}, 'Enter two consecutive codes from your MFA device.', code1, code2)),
    h('div', {class: 'actions'}, cancel, go))}));
    code1.input.focus();
  }
}

// ---- Access keys ----

// `fresh`: a key just made ({id, secret}), shown once above the list.
async function drawKeys(box, {root, who, userName}, fresh = null) {
  const title = 'Access keys';
  let keys;
  try {
    keys = await callAll('ListAccessKeys', who, 'AccessKeyMetadata');
  } catch (err) {
    box.replaceChildren(container({title, body: errorAlert(err)}));
    return;
  }
  const area = h('div');
  const createBtn = h('button', {type: 'button', class: 'btn', id: 'access-key-create', disabled: keys.length >= MAX_KEYS,
                                 title: keys.length >= MAX_KEYS ? 'You can have at most two access keys.' : '',
                                 on: {click: createKey}}, 'Create access key');
  const rows = await Promise.all(keys.map(async (k) => {
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
    const next = status === 'Active' ? 'Inactive' : 'Active';
    const toggle = h('button', {type: 'button', class: 'btn btn-small', 'aria-label': `${status === 'Active' ? 'Deactivate' : 'Activate'} ${id}`,
                                on: {click: async () => {
                                  if (next === 'Inactive') {
                                    const ok = await confirmDialog({title: `Deactivate ${id}?`,
                                                                    body: 'Requests signed with this key are refused until you activate it again.',
                                                                    confirmLabel: 'Deactivate'});
                                    if (!ok) return;
                                  }
                                  try {
                                    await call('UpdateAccessKey', {...who, AccessKeyId: id, Status: next});
                                    notify(`Access key ${id} ${next === 'Active' ? 'activated' : 'deactivated'}.`);
                                    await drawKeys(box, {root, who, userName});
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
        await call('DeleteAccessKey', {...who, AccessKeyId: id});
        notify(`Access key ${id} deleted.`);
        await drawKeys(box, {root, who, userName});
      } catch (err) {
        area.replaceChildren(errorAlert(err));
      }
    }}}, 'Delete');
    return h('div', {class: 'key-card'},
             h('div', {class: 'key-card-head'}, h('h3', {class: 'mono'}, id), h('span', {class: 'actions'}, toggle, del)),
             h('dl', {class: 'kv kv-compact'},
               h('dt', {}, 'Status'), h('dd', {class: status === 'Active' ? 'status-ok' : 'muted'}, status),
               h('dt', {}, 'Last used'), h('dd', {}, lastUsed),
               h('dt', {}, 'Created'), h('dd', {}, `${formatDate(text(k, 'CreateDate'))} (${timeAgo(text(k, 'CreateDate'))})`)));
  }));
  const rootWarning = root
      ? h('div', {class: 'alert alert-warning', role: 'status', id: 'sc-root-keys-warning'},
          h('p', {class: 'alert-title'}, 'Root user access keys are not recommended'),
          h('p', {class: 'alert-body'}, 'AWS recommends that you do not create access keys for the root user: they give unrestricted access to the whole account. Create an IAM user or role for programmatic access instead.',
            keys.length ? ' Delete the root user\'s access keys when nothing uses them any more.' : ''))
      : null;
  box.replaceChildren(container({title, count: keys.length, actions: createBtn,
                                 description: 'Use access keys to send programmatic calls to AWS from the AWS CLI, AWS Tools for PowerShell, AWS SDKs, or direct AWS API calls. You can have a maximum of two access keys (active or inactive) at a time.',
                                 body: [rootWarning, area, rows.length ? rows : h('p', {class: 'muted', id: 'sc-keys-none'}, 'No access keys.')]}));
  if (fresh) retrieve(fresh.id, fresh.secret);

  function createKey() {
    const err = h('div');
    const go = h('button', {type: 'button', class: 'btn btn-primary', id: 'key-create-submit'}, 'Create access key');
    const understand = checkbox({label: root
        ? 'I understand creating a root access key is not a best practice, but I still want to create one.'
        : 'I understand the above recommendation and want to proceed to create an access key.', id: 'key-confirm'});
    go.addEventListener('click', async () => {
      err.replaceChildren();
      if (!understand.input.checked) {
        err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Confirm that you understand the recommendation.'}));
        return;
      }
      go.disabled = true;
      try {
        const r = await call('CreateAccessKey', who);
        await drawKeys(box, {root, who, userName}, {id: text(r, 'AccessKeyId'), secret: text(r, 'SecretAccessKey')});
      } catch (ex) {
        go.disabled = false;
        err.replaceChildren(errorAlert(ex));
      }
    });
    area.replaceChildren(container({title: root ? 'Root user access keys' : 'Access key best practices & alternatives', level: 'h3', body: [
      h('div', {class: 'alert alert-info', role: 'status'}, h('p', {class: 'alert-title'}, 'Alternatives recommended'),
        h('p', {class: 'alert-body'}, root
            ? 'Use an IAM user or role with the permissions it needs instead of the root user\'s access keys.'
            : 'Avoid using long-term credentials like access keys to improve your security. Use temporary security credentials (IAM roles) where you can.')),
      err, understand,
      h('div', {class: 'actions'}, h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Cancel'), go)]}));
    understand.input.focus();
  }

  function retrieve(id, secretKey) {
    let shown = false;
    const masked = '****************';
    const secretEl = h('span', {class: 'secret mono', id: 'secret-access-key'}, masked);
    const show = h('button', {type: 'button', class: 'btn btn-small', id: 'secret-show', 'aria-controls': 'secret-access-key',
                              on: {click: () => {
                                shown = !shown;
                                secretEl.textContent = shown ? secretKey : masked;
                                show.textContent = shown ? 'Hide' : 'Show';
                              }}}, 'Show');
    const fileName = root ? 'rootkey.csv' : `${userName}_accessKeys.csv`;
    const done = h('button', {type: 'button', class: 'btn btn-primary', id: 'key-done', on: {click: () => {
      secretKey = null;  // the secret leaves the page with this view
      area.replaceChildren();
      box.querySelector('#access-key-create')?.focus();
    }}}, 'Done');
    area.replaceChildren(container({title: 'Retrieve access keys', level: 'h3', body: [
      h('div', {class: 'alert alert-warning', role: 'status'},
        h('p', {class: 'alert-body'}, 'This is the only time that the secret access key can be viewed or downloaded. You cannot recover it later. However, you can create a new access key any time.')),
      h('table', {class: 'table'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Access key'), h('th', {scope: 'col'}, 'Secret access key'))),
        h('tbody', {}, h('tr', {},
          h('td', {}, h('span', {class: 'mono', id: 'access-key-id'}, id), ' ', copyButton(id, 'Copy access key')),
          h('td', {}, secretEl, ' ', show, ' ', copyButton(secretKey, 'Copy secret access key'))))),
      h('div', {class: 'actions'},
        h('button', {type: 'button', class: 'btn', id: 'key-download', on: {click: () => {
          if (secretKey) downloadFile(fileName, csv([['Access key ID', 'Secret access key'], [id, secretKey]]));
        }}}, 'Download .csv file'),
        done)]}));
    area.querySelector('h3')?.setAttribute('tabindex', '-1');
    area.querySelector('h3')?.focus();
  }
}

// ---- Console password ----

function drawPassword(box, root) {
  const area = h('div');
  const change = h('button', {type: 'button', class: 'btn', id: 'sc-password-change', on: {click: form}}, 'Change password');
  box.replaceChildren(container({title: 'Console password', actions: change,
                                 body: [h('p', {class: 'muted'}, root ? 'The password the root user signs in to the console with, with its email address.'
                                                                      : 'The password you sign in to the console with.'), area]}));

  function form() {
    const err = h('div');
    const oldPw = textField({label: root ? 'Current password' : 'Old password', id: 'sc-old-password', type: 'password', autocomplete: 'current-password'});
    const newPw = textField({label: 'New password', id: 'sc-new-password', type: 'password', autocomplete: 'new-password'});
    const newPw2 = textField({label: 'Confirm new password', id: 'sc-new-password-2', type: 'password', autocomplete: 'new-password'});
    const go = h('button', {type: 'submit', class: 'btn btn-primary', id: 'sc-password-submit'}, 'Change password');
    area.replaceChildren(h('form', {novalidate: true, 'aria-label': 'Change password', on: {submit: async (e) => {
      e.preventDefault();
      err.replaceChildren();
      if (!oldPw.input.value || !newPw.input.value) {
        err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'Enter the current and the new password.'}));
        return;
      }
      if (newPw.input.value !== newPw2.input.value) {
        err.replaceChildren(errorAlert({code: 'InvalidInput', message: 'The new passwords do not match.'}));
        return;
      }
      go.disabled = true;
      try {
        await postJson('/console/api/change-password', {oldPassword: oldPw.input.value, newPassword: newPw.input.value});
        area.replaceChildren();
        notify('Your password has been changed.');
      } catch (ex) {
        go.disabled = false;
        err.replaceChildren(errorAlert(ex));
      }
    }}}, err, oldPw, newPw, newPw2,
    h('div', {class: 'actions'}, h('button', {type: 'button', class: 'btn btn-link', on: {click: () => area.replaceChildren()}}, 'Cancel'), go)));
    oldPw.input.focus();
  }
}
