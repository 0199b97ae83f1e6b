// Identity providers: the account's OpenID Connect and SAML providers (list, detail in a
// dialog, delete) and "Add provider" (#/identity-providers/create): OpenID Connect (Provider
// URL, Audience, thumbprint) or SAML (name, metadata document read with FileReader).

import {call, callAll, text, members, listParams} from '../api.js';
import {h, notify, table, confirmDialog} from '../ui.js';
import {heading, errorSlot, button, busy, fmtDate, providerName, modal, field, radioCards, go} from '../iam-common.js';

const SAML_NAME_RE = /^[\w._-]{1,128}$/;
const THUMBPRINT_RE = /^[0-9a-fA-F]{40}$/;

async function listProviders() {
  const [oidc, saml] = await Promise.all([
    callAll('ListOpenIDConnectProviders', {}, 'OpenIDConnectProviderList'),
    call('ListSAMLProviders', {}),
  ]);
  // ListOpenIDConnectProviders answers ARNs only: the creation time comes from
  // GetOpenIDConnectProvider (an account has at most 100 providers).
  const oidcRows = await Promise.all(oidc.map(async (m) => {
    const arn = text(m, 'Arn');
    let created = '';
    try {
      created = text(await call('GetOpenIDConnectProvider', {OpenIDConnectProviderArn: arn}), 'CreateDate');
    } catch {
      created = ''; // [IMPL] shown as '-'; the detail dialog shows the error
    }
    return {arn, type: 'OpenID Connect', created};
  }));
  return [
    ...oidcRows,
    ...members(saml, 'SAMLProviderList').map((m) => ({arn: text(m, 'Arn'), type: 'SAML', created: text(m, 'CreateDate'),
                                                       validUntil: text(m, 'ValidUntil')})),
  ].map((p) => ({...p, name: providerName(p.arn)}));
}

async function deleteProvider(p) {
  if (p.type === 'SAML') await call('DeleteSAMLProvider', {SAMLProviderArn: p.arn});
  else await call('DeleteOpenIDConnectProvider', {OpenIDConnectProviderArn: p.arn});
}

// The detail of a provider in a dialog: OIDC audiences (add, remove) and thumbprints; SAML
// metadata (replace).
async function showDetail(p, onChange) {
  const derrs = errorSlot();
  const body = h('div', {}, h('p', {class: 'iam-muted'}, 'Loading…'));
  const dlg = modal(p.name, [derrs, body]);
  const draw = async () => {
    derrs.clear();
    if (p.type === 'SAML') {
      const res = await call('GetSAMLProvider', {SAMLProviderArn: p.arn});
      const metadata = text(res, 'SAMLMetadataDocument');
      const fileInput = h('input', {type: 'file', id: 'saml-replace-file', accept: '.xml,application/xml,text/xml'});
      const replace = button('Replace metadata', () => busy(replace, async () => {
        derrs.clear();
        const f = fileInput.files && fileInput.files[0];
        if (!f) {
          derrs.show({code: 'ValidationError', message: 'Choose a metadata document file.'});
          return;
        }
        try {
          await call('UpdateSAMLProvider', {SAMLProviderArn: p.arn, SAMLMetadataDocument: await readFile(f)});
          notify(`Metadata of ${p.name} replaced.`);
          await draw();
        } catch (err) {
          derrs.show(err);
        }
      }));
      body.replaceChildren(
          h('dl', {class: 'iam-kv'},
            h('div', {}, h('dt', {}, 'Provider type'), h('dd', {}, 'SAML')),
            h('div', {}, h('dt', {}, 'ARN'), h('dd', {}, h('code', {}, p.arn))),
            h('div', {}, h('dt', {}, 'Creation time'), h('dd', {}, fmtDate(text(res, 'CreateDate')))),
            h('div', {}, h('dt', {}, 'Valid until'), h('dd', {}, fmtDate(text(res, 'ValidUntil'))))),
          h('details', {}, h('summary', {}, 'Metadata document'), h('pre', {class: 'iam-code'}, metadata)),
          h('div', {class: 'iam-field'}, h('label', {for: fileInput.id}, 'Replace metadata document'), fileInput),
          replace);
      return;
    }
    const res = await call('GetOpenIDConnectProvider', {OpenIDConnectProviderArn: p.arn});
    const audiences = members(res, 'ClientIDList').map((m) => m.textContent);
    const thumbprints = members(res, 'ThumbprintList').map((m) => m.textContent);
    const newAud = field('Audience', {id: 'oidc-add-audience', hint: 'The client ID issued by the identity provider.'});
    const add = button('Add audience', () => busy(add, async () => {
      derrs.clear();
      const v = newAud.input.value.trim();
      if (!v) {
        derrs.show({code: 'ValidationError', message: 'Enter an audience.'});
        return;
      }
      try {
        await call('AddClientIDToOpenIDConnectProvider', {OpenIDConnectProviderArn: p.arn, ClientID: v});
        notify(`Audience ${v} added.`);
        await draw();
      } catch (err) {
        derrs.show(err);
      }
    }));
    body.replaceChildren(
        h('dl', {class: 'iam-kv'},
          h('div', {}, h('dt', {}, 'Provider type'), h('dd', {}, 'OpenID Connect')),
          h('div', {}, h('dt', {}, 'Provider'), h('dd', {}, text(res, 'Url') || p.name)),
          h('div', {}, h('dt', {}, 'ARN'), h('dd', {}, h('code', {}, p.arn))),
          h('div', {}, h('dt', {}, 'Creation time'), h('dd', {}, fmtDate(text(res, 'CreateDate')))),
          h('div', {}, h('dt', {}, 'Thumbprints'), h('dd', {}, thumbprints.join(', ') || '-'))),
        h('h3', {}, `Audiences (${audiences.length})`),
        audiences.length ? h('ul', {}, audiences.map((a) => h('li', {}, a, ' ',
                                                              button('Remove', async () => {
                                                                try {
                                                                  await call('RemoveClientIDFromOpenIDConnectProvider',
                                                                             {OpenIDConnectProviderArn: p.arn, ClientID: a});
                                                                  notify(`Audience ${a} removed.`);
                                                                  await draw();
                                                                } catch (err) {
                                                                  derrs.show(err);
                                                                }
                                                              }, {ariaLabel: `Remove audience ${a}`}))))
                         : h('p', {class: 'iam-muted'}, 'No audiences.'),
        h('div', {class: 'iam-row'}, newAud.el, add));
  };
  dlg.addEventListener('close', onChange);
  try {
    await draw();
  } catch (err) {
    body.replaceChildren();
    derrs.show(err);
  }
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject({code: 'FileReadError', message: `The file ${file.name} could not be read.`});
    reader.readAsText(file);
  });
}

async function renderList(main) {
  const errs = errorSlot();
  const holder = h('div', {}, h('p', {class: 'iam-muted'}, 'Loading…'));
  const del = button('Delete', null);
  del.disabled = true;
  const add = h('a', {class: 'btn btn-primary', href: '#/identity-providers/create'}, 'Add provider');
  main.append(h('div', {class: 'iam-header'}, heading('Identity providers'), h('div', {class: 'iam-actions'}, del, add)),
              h('p', {class: 'iam-muted'}, 'Use an identity provider (IdP) to manage your user identities outside of AWS, ' +
                'and give these external identities permissions to use AWS resources in your account.'),
              errs, holder);
  let tbl = null;
  async function load(clearErrors = true) {
    if (clearErrors) errs.clear();
    let rows;
    try {
      rows = await listProviders();
    } catch (err) {
      holder.replaceChildren();
      errs.show(err);
      return;
    }
    tbl = table({
      columns: [
        {header: 'Provider', cell: (p) => h('button', {type: 'button', class: 'iam-link-button',
                                                      on: {click: () => showDetail(p, () => load())}}, p.name)},
        {header: 'Type', cell: (p) => p.type},
        {header: 'Creation time', cell: (p) => (p.created ? fmtDate(p.created) : '-')},
      ],
      rows,
      selectable: 'single',
      empty: 'No identity providers',
      filter: (p) => `${p.name} ${p.type}`,
      searchLabel: 'Find identity providers',
      label: 'Identity providers',
      rowLabel: (p) => p.name,
      onSelect: (sel) => {
        del.disabled = sel.length === 0;
      },
    });
    del.disabled = true;
    holder.replaceChildren(tbl.el);
  }
  del.addEventListener('click', async () => {
    const p = tbl && tbl.selected()[0];
    if (!p) return;
    const ok = await confirmDialog({title: `Delete ${p.name}?`,
                                    body: 'Roles that trust this provider can no longer be assumed through it.',
                                    confirmLabel: 'Delete', requireText: p.name});
    if (!ok) return;
    await busy(del, async () => {
      errs.clear();
      try {
        await deleteProvider(p);
        notify(`Identity provider ${p.name} deleted.`);
      } catch (err) {
        errs.show(err);
      }
      await load(false);
    });
  });
  await load();
}

async function renderCreate(main, route) {
  const errs = errorSlot();
  const kind = radioCards('provider-type', 'Provider type', [
    {value: 'oidc', label: 'OpenID Connect', hint: 'Establish trust between your AWS account and Identity Provider services, such as Google or Salesforce.'},
    {value: 'saml', label: 'SAML', hint: 'Establish trust between your AWS account and a SAML 2.0 compatible Identity Provider such as Shibboleth or Active Directory Federation Services.'},
  ], route.query.get('type') === 'saml' ? 'saml' : 'oidc');

  const url = field('Provider URL', {id: 'oidc-url', placeholder: 'https://server.example.com',
                                     hint: 'Specify the secure OpenID Connect URL for authentication requests. Must begin with https://.'});
  const audience = field('Audience', {id: 'oidc-audience', hint: 'Specify the client ID issued by the Identity provider for your app.'});
  // [IMPL] AWS now fetches the thumbprint itself when none is given; iamd reaches no network and
  // serves the API model that requires it, so the console asks for it.
  const thumb = field('Thumbprint', {id: 'oidc-thumbprint',
                                     hint: 'The SHA-1 fingerprint (40 hex digits) of the top intermediate CA certificate of the provider\'s server.'});
  const oidcBox = h('div', {}, url.el, audience.el, thumb.el);

  const name = field('Provider name', {id: 'saml-name', hint: 'Maximum 128 characters. Use alphanumeric or \'._-\' characters.'});
  const file = h('input', {type: 'file', id: 'saml-metadata', accept: '.xml,application/xml,text/xml'});
  const samlBox = h('div', {}, name.el,
                    h('div', {class: 'iam-field'}, h('label', {for: file.id}, 'Metadata document'), file,
                      h('div', {class: 'iam-hint'}, 'The metadata document your identity provider issued (XML).')));
  const holder = h('div', {});
  const sync = () => holder.replaceChildren(kind.value() === 'saml' ? samlBox : oidcBox);
  kind.onChange(sync);
  sync();
  const submit = h('button', {type: 'submit', class: 'btn btn-primary'}, 'Add provider');
  const form = h('form', {novalidate: true}, kind.el, h('h2', {}, 'Provider details'), holder,
                 h('div', {class: 'iam-actions iam-end'},
                   h('a', {class: 'btn', href: '#/identity-providers'}, 'Cancel'), submit));
  main.append(heading('Add an Identity provider'), errs, form);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    errs.clear();
    busy(submit, async () => {
      try {
        if (kind.value() === 'saml') {
          const n = name.input.value.trim();
          if (!SAML_NAME_RE.test(n)) throw {code: 'ValidationError', message: 'Provider name must be 1 to 128 characters: letters, digits and ._-'};
          const f = file.files && file.files[0];
          if (!f) throw {code: 'ValidationError', message: 'Choose a metadata document file.'};
          await call('CreateSAMLProvider', {Name: n, SAMLMetadataDocument: await readFile(f)});
          notify(`Identity provider ${n} added.`);
        } else {
          const u = url.input.value.trim();
          const a = audience.input.value.trim();
          const t = thumb.input.value.trim().replace(/:/g, '');
          if (!/^https:\/\/\S+$/.test(u)) throw {code: 'ValidationError', message: 'Provider URL must begin with https://.'};
          if (!a) throw {code: 'ValidationError', message: 'Enter an audience.'};
          if (!THUMBPRINT_RE.test(t)) throw {code: 'ValidationError', message: 'Thumbprint must be 40 hexadecimal digits.'};
          const params = {Url: u, ...listParams('ClientIDList', [a]), ...listParams('ThumbprintList', [t])};
          await call('CreateOpenIDConnectProvider', params);
          notify(`Identity provider ${u.replace(/^https:\/\//, '')} added.`);
        }
        go('#/identity-providers');
      } catch (err) {
        errs.show(err);
      }
    });
  });
}

export async function render(main, route) {
  if (route.path.replace(/\/+$/, '').endsWith('/create')) await renderCreate(main, route);
  else await renderList(main);
}
