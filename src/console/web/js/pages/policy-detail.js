// A managed policy: ARN, type, creation and edit times; tabs "Permissions" (the default version's
// document; "Edit" -> CreatePolicyVersion with SetAsDefault), "Entities attached"
// (ListEntitiesForPolicy; attach, detach) and "Policy versions" (set as default, delete).

import {call, callAll, text, members, tagParams, listParams} from '../api.js';
import {h, notify, table, copyButton, confirmDialog, tabs} from '../ui.js';
import {heading, errorSlot, button, busy, decodeDocument, fmtDate, policyType, isAwsManaged, summary, section,
        modal, codeBlock, forgetManagedPolicies, go, tagsPanel, tagsOf} from '../iam-common.js';
import {policyEditor} from '../policy-editor.js';
import {deletePolicyFully} from './policies.js';

const MAX_VERSIONS = 5;

function readPolicy(res) {
  return {
    name: text(res, 'PolicyName'),
    arn: text(res, 'Arn'),
    path: text(res, 'Path'),
    id: text(res, 'PolicyId'),
    defaultVersion: text(res, 'DefaultVersionId'),
    attachments: Number(text(res, 'AttachmentCount') || 0),
    boundaryUses: Number(text(res, 'PermissionsBoundaryUsageCount') || 0),
    description: text(res, 'Description'),
    created: text(res, 'CreateDate'),
    updated: text(res, 'UpdateDate'),
  };
}

// Every entity the policy is attached to, as {name, kind, usage}.
async function listEntities(arn) {
  const out = [];
  for (const [filter, usage] of [['PermissionsPolicy', 'Permissions policy'], ['PermissionsBoundary', 'Permissions boundary']]) {
    let marker = null;
    for (let page = 0; page < 100; page++) {
      const params = {PolicyArn: arn, PolicyUsageFilter: filter, MaxItems: '1000'};
      if (marker) params.Marker = marker;
      const res = await call('ListEntitiesForPolicy', params);
      for (const m of members(res, 'PolicyUsers')) out.push({name: text(m, 'UserName'), kind: 'User', usage});
      for (const m of members(res, 'PolicyGroups')) out.push({name: text(m, 'GroupName'), kind: 'Group', usage});
      for (const m of members(res, 'PolicyRoles')) out.push({name: text(m, 'RoleName'), kind: 'Role', usage});
      if (text(res, 'IsTruncated') !== 'true') break;
      marker = text(res, 'Marker');
      if (!marker) break;
    }
  }
  return out;
}

const ENTITY_LINK = {User: 'users', Group: 'groups', Role: 'roles'};

async function detach(arn, e) {
  if (e.usage === 'Permissions boundary') {
    if (e.kind === 'User') await call('DeleteUserPermissionsBoundary', {UserName: e.name});
    else await call('DeleteRolePermissionsBoundary', {RoleName: e.name});
  } else {
    await call(`Detach${e.kind}Policy`, {[`${e.kind}Name`]: e.name, PolicyArn: arn});
  }
}

export async function render(main, route) {
  const arnParam = route.params.arn || '';
  const errs = errorSlot();
  let policy = readPolicy(await call('GetPolicy', {PolicyArn: arnParam}));
  const aws = isAwsManaged(policy.arn);
  const type = policyType(policy.arn, policy.path);

  const delBtn = aws ? null : button('Delete', async () => {
    const ok = await confirmDialog({title: `Delete ${policy.name}?`,
                                    body: 'Deleting this policy removes it from every user, group and role it is attached to, and deletes all of its versions.',
                                    confirmLabel: 'Delete', requireText: policy.name});
    if (!ok) return;
    await busy(delBtn, async () => {
      try {
        await deletePolicyFully(policy.arn);
        forgetManagedPolicies();
        notify(`Policy ${policy.name} deleted.`);
        go('#/policies');
      } catch (err) {
        errs.show(err);
      }
    });
  });
  main.append(h('div', {class: 'iam-header'}, heading(policy.name, 'Policies'), h('div', {class: 'iam-actions'}, delBtn)), errs);
  const summaryHolder = h('div', {});
  const drawSummary = () => summaryHolder.replaceChildren(section('Policy details', summary([
    ['Type', type],
    ['Creation time', fmtDate(policy.created)],
    ['Edited time', fmtDate(policy.updated)],
    ['ARN', h('span', {}, h('code', {}, policy.arn), ' ', copyButton(policy.arn, 'Copy ARN'))],
    ['Description', policy.description || '-'],
  ])));
  drawSummary();
  main.append(summaryHolder);

  async function reload() {
    policy = readPolicy(await call('GetPolicy', {PolicyArn: policy.arn}));
    drawSummary();
  }

  async function renderPermissions(panel) {
    const perrs = errorSlot();
    const res = await call('GetPolicyVersion', {PolicyArn: policy.arn, VersionId: policy.defaultVersion});
    const doc = decodeDocument(text(res, 'Document'));
    const edit = aws ? null : button('Edit', () => {
      const editor = policyEditor({label: 'Policy editor', value: doc, kind: 'identity', id: 'policy-edit-document'});
      const save = button('Save changes', null, {primary: true});
      save.addEventListener('click', () => busy(save, async () => {
        perrs.clear();
        if (!(await editor.validate())) {
          perrs.show({code: 'MalformedPolicyDocument', message: 'Fix the errors in the policy before you save it.'});
          return;
        }
        try {
          const versions = await callAll('ListPolicyVersions', {PolicyArn: policy.arn}, 'Versions');
          if (versions.length >= MAX_VERSIONS) {
            const oldest = versions.filter((v) => text(v, 'IsDefaultVersion') !== 'true')
                .sort((a, b) => new Date(text(a, 'CreateDate')) - new Date(text(b, 'CreateDate')))[0];
            const ok = await confirmDialog({
              title: 'Delete the oldest version?',
              body: `${policy.name} already has ${MAX_VERSIONS} versions, the most a managed policy can have. ` +
                    `To save this version, the oldest non-default version (${text(oldest, 'VersionId')}, ` +
                    `created ${fmtDate(text(oldest, 'CreateDate'))}) is deleted.`,
              confirmLabel: `Delete ${text(oldest, 'VersionId')} and save`,
            });
            if (!ok) return;
            await call('DeletePolicyVersion', {PolicyArn: policy.arn, VersionId: text(oldest, 'VersionId')});
          }
          const created = await call('CreatePolicyVersion', {PolicyArn: policy.arn, PolicyDocument: editor.value(),
                                                             SetAsDefault: 'true'});
          await reload();
          notify(`Policy ${policy.name} updated: version ${text(created, 'VersionId')} is the default.`);
          await renderPermissions(panel);
        } catch (err) {
          perrs.show(err);
        }
      }));
      panel.replaceChildren(h('h2', {}, `Modify permissions in ${policy.name}`), perrs, editor.el,
                            h('p', {class: 'iam-hint'}, 'Saving creates a new policy version and sets it as the default.'),
                            h('div', {class: 'iam-actions iam-end'}, button('Cancel', () => renderPermissions(panel)), save));
      editor.focus();
    });
    panel.replaceChildren(section(`Permissions defined in this policy (${policy.defaultVersion})`,
                                  h('div', {class: 'iam-actions'}, edit), perrs, codeBlock(doc, 'Policy document')));
  }

  async function renderEntities(panel) {
    const eerrs = errorSlot();
    const rows = await listEntities(policy.arn);
    const refresh = () => renderEntities(panel);
    const detachBtn = button('Detach', null);
    detachBtn.disabled = true;
    const tbl = table({
      columns: [
        {header: 'Entity name', cell: (e) => h('a', {href: `#/${ENTITY_LINK[e.kind]}/${encodeURIComponent(e.name)}`}, e.name)},
        {header: 'Entity type', cell: (e) => e.kind},
        {header: 'Attached as', cell: (e) => e.usage},
      ],
      rows,
      selectable: 'multi',
      empty: 'No entities attached',
      filter: (e) => `${e.name} ${e.kind}`,
      searchLabel: 'Find entities',
      label: 'Entities attached',
      rowLabel: (e) => `${e.kind} ${e.name}`,
      onSelect: (sel) => {
        detachBtn.disabled = sel.length === 0;
      },
    });
    detachBtn.addEventListener('click', async () => {
      const sel = tbl.selected();
      const ok = await confirmDialog({title: `Detach ${policy.name}?`,
                                      body: h('ul', {}, sel.map((e) => h('li', {}, `${e.kind} ${e.name} (${e.usage})`))),
                                      confirmLabel: 'Detach'});
      if (!ok) return;
      await busy(detachBtn, async () => {
        try {
          for (const e of sel) await detach(policy.arn, e);
          forgetManagedPolicies();
          notify(sel.length === 1 ? `Policy detached from ${sel[0].name}.` : `Policy detached from ${sel.length} entities.`);
          await reload();
          await refresh();
        } catch (err) {
          eerrs.show(err);
        }
      });
    });
    const attachBtn = button('Attach', () => attachDialog(rows, refresh));
    panel.replaceChildren(section(`Entities attached (${rows.length})`,
                                  h('div', {class: 'iam-actions'}, detachBtn, attachBtn), eerrs, tbl.el));
  }

  function attachDialog(current, refresh) {
    const derrs = errorSlot();
    const holder = h('div', {}, h('p', {class: 'iam-muted'}, 'Loading…'));
    const ok = button('Attach policy', null, {primary: true});
    const dlg = modal(`Attach ${policy.name}`, [derrs, holder], [ok]);
    let tbl = null;
    const has = new Set(current.filter((e) => e.usage === 'Permissions policy').map((e) => `${e.kind}:${e.name}`));
    Promise.all([
      callAll('ListUsers', {}, 'Users').then((ms) => ms.map((m) => ({name: text(m, 'UserName'), kind: 'User'}))),
      callAll('ListGroups', {}, 'Groups').then((ms) => ms.map((m) => ({name: text(m, 'GroupName'), kind: 'Group'}))),
      callAll('ListRoles', {}, 'Roles').then((ms) => ms.map((m) => ({name: text(m, 'RoleName'), kind: 'Role'}))),
    ]).then(([u, g, r]) => {
      const rows = [...u, ...g, ...r].filter((e) => !has.has(`${e.kind}:${e.name}`));
      tbl = table({columns: [{header: 'Name', cell: (e) => e.name}, {header: 'Type', cell: (e) => e.kind}],
                   rows, selectable: 'multi', empty: 'No other users, groups or roles', filter: (e) => `${e.name} ${e.kind}`,
                   searchLabel: 'Find entities', label: 'Users, groups and roles', rowLabel: (e) => `${e.kind} ${e.name}`,
                   pageSize: 10});
      holder.replaceChildren(tbl.el);
    }, (err) => {
      holder.replaceChildren();
      derrs.show(err);
    });
    ok.addEventListener('click', () => busy(ok, async () => {
      derrs.clear();
      const sel = tbl ? tbl.selected() : [];
      if (!sel.length) {
        derrs.show({code: 'ValidationError', message: 'Choose at least one user, group or role.'});
        return;
      }
      try {
        for (const e of sel) await call(`Attach${e.kind}Policy`, {[`${e.kind}Name`]: e.name, PolicyArn: policy.arn});
        forgetManagedPolicies();
        notify(sel.length === 1 ? `Policy attached to ${sel[0].name}.` : `Policy attached to ${sel.length} entities.`);
        dlg.close();
        await reload();
        await refresh();
      } catch (err) {
        derrs.show(err);
      }
    }));
  }

  async function renderVersions(panel) {
    const verrs = errorSlot();
    const rows = (await callAll('ListPolicyVersions', {PolicyArn: policy.arn}, 'Versions')).map((v) => ({
      id: text(v, 'VersionId'), isDefault: text(v, 'IsDefaultVersion') === 'true', created: text(v, 'CreateDate'),
    }));
    const refresh = () => renderVersions(panel);
    const setDefault = button('Set as default', null);
    const del = button('Delete', null);
    setDefault.disabled = true;
    del.disabled = true;
    const view = (v) => button('View', async () => {
      try {
        const res = await call('GetPolicyVersion', {PolicyArn: policy.arn, VersionId: v.id});
        modal(`${policy.name} ${v.id}`, [codeBlock(decodeDocument(text(res, 'Document')), `Policy document ${v.id}`)]);
      } catch (err) {
        verrs.show(err);
      }
    }, {ariaLabel: `View ${v.id}`});
    const tbl = table({
      columns: [
        {header: 'Version', cell: (v) => (v.isDefault ? `${v.id} (Default)` : v.id)},
        {header: 'Creation time', cell: (v) => fmtDate(v.created)},
        {header: 'Document', cell: view},
      ],
      rows,
      selectable: aws ? null : 'single',
      empty: 'No versions',
      label: 'Policy versions',
      rowLabel: (v) => v.id,
      onSelect: (sel) => {
        const v = sel[0];
        setDefault.disabled = !v || v.isDefault;
        del.disabled = !v || v.isDefault;
      },
    });
    setDefault.addEventListener('click', () => busy(setDefault, async () => {
      const v = tbl.selected()[0];
      if (!v) return;
      try {
        await call('SetDefaultPolicyVersion', {PolicyArn: policy.arn, VersionId: v.id});
        notify(`${v.id} is now the default version.`);
        await reload();
        await refresh();
      } catch (err) {
        verrs.show(err);
      }
    }));
    del.addEventListener('click', async () => {
      const v = tbl.selected()[0];
      if (!v) return;
      const ok = await confirmDialog({title: `Delete ${v.id}?`, body: `Version ${v.id} of ${policy.name} is deleted.`,
                                      confirmLabel: 'Delete'});
      if (!ok) return;
      await busy(del, async () => {
        try {
          await call('DeletePolicyVersion', {PolicyArn: policy.arn, VersionId: v.id});
          notify(`${v.id} deleted.`);
          await refresh();
        } catch (err) {
          verrs.show(err);
        }
      });
    });
    panel.replaceChildren(section(`Policy versions (${rows.length})`,
                                  h('p', {class: 'iam-muted'}, `A managed policy keeps up to ${MAX_VERSIONS} versions.`),
                                  aws ? null : h('div', {class: 'iam-actions'}, setDefault, del), verrs, tbl.el));
  }

  main.append(tabs([
    {id: 'permissions', label: 'Permissions', render: renderPermissions},
    {id: 'entities', label: 'Entities attached', render: renderEntities},
    {id: 'versions', label: 'Policy versions', render: renderVersions},
    aws ? null : {id: 'tags', label: 'Tags', render: (panel) => tagsPanel(panel, {
      idPrefix: 'policy-tags',
      load: async () => tagsOf(await callAll('ListPolicyTags', {PolicyArn: policy.arn}, 'Tags')),
      tag: (tags) => call('TagPolicy', {PolicyArn: policy.arn, ...tagParams(tags)}),
      untag: (keys) => call('UntagPolicy', {PolicyArn: policy.arn, ...listParams('TagKeys', keys)}),
    })},
  ].filter(Boolean), route.query.get('tab') || 'permissions'));
}
