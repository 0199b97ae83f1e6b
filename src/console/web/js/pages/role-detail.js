// A role: summary (ARN, Created, Last activity, Maximum session duration, the switch-role link)
// and the tabs Permissions (attached and inline policies, boundary), Trust relationships (the
// trust policy, "Edit trust policy") and Tags.

import {call, callAll, text, members, tagParams, listParams} from '../api.js';
import {h, notify, table, copyButton, confirmDialog, tabs} from '../ui.js';
import {heading, errorSlot, button, busy, decodeDocument, fmtDate, timeAgo, policyType,
        arnAccount, summary, section, modal, field, select, codeBlock, policyPicker, tagsOf, tagsPanel, go,
        forgetManagedPolicies} from '../iam-common.js';
import {policyEditor} from '../policy-editor.js';
import {deleteRoleFully} from './roles.js';

const DURATIONS = [1, 2, 4, 6, 8, 12].map((hrs) => [String(hrs * 3600), `${hrs} hour${hrs === 1 ? '' : 's'}`]);
const POLICY_NAME_RE = /^[\w+=,.@-]{1,128}$/;

function durationText(seconds) {
  const s = Number(seconds || 3600);
  if (s % 3600 === 0) return `${s / 3600} hour${s === 3600 ? '' : 's'}`;
  const hrs = Math.floor(s / 3600);
  const mins = Math.round((s % 3600) / 60);
  return `${hrs ? `${hrs} hour${hrs === 1 ? '' : 's'} ` : ''}${mins} minute${mins === 1 ? '' : 's'}`;
}

function readRole(res) {
  const boundaryEl = res.getElementsByTagNameNS('*', 'PermissionsBoundary')[0];
  return {
    name: text(res, 'RoleName'),
    arn: text(res, 'Arn'),
    path: text(res, 'Path'),
    created: text(res, 'CreateDate'),
    description: text(res, 'Description'),
    maxSession: text(res, 'MaxSessionDuration') || '3600',
    trust: decodeDocument(text(res, 'AssumeRolePolicyDocument')),
    boundary: boundaryEl ? text(boundaryEl, 'PermissionsBoundaryArn') : '',
    lastUsed: text(res, 'LastUsedDate'),
    lastRegion: text(res, 'Region'),
    tags: tagsOf(members(res, 'Tags')),
  };
}

// A dialog whose primary button runs `action`; errors stay in the dialog, success closes it.
function actionDialog(title, body, label, action) {
  const errs = errorSlot();
  const ok = button(label, null, {primary: true});
  const dlg = modal(title, [errs, ...[].concat(body)], [ok]);
  ok.addEventListener('click', () => busy(ok, async () => {
    errs.clear();
    try {
      if ((await action()) !== false) dlg.close();
    } catch (err) {
      errs.show(err);
    }
  }));
  return dlg;
}

// The inline policy editor dialog (create when name is empty).
function inlinePolicyDialog(roleName, name, documentText, done) {
  const nameF = field('Policy name', {id: 'inline-policy-name', value: name || '',
                                      hint: 'Maximum 128 characters. Use alphanumeric and \'+=,.@-_\' characters.'});
  if (name) nameF.input.readOnly = true;
  const editor = policyEditor({label: 'Policy editor', id: 'inline-policy-document', kind: 'identity',
                               value: documentText || '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "Statement1",\n      "Effect": "Allow",\n      "Action": [],\n      "Resource": []\n    }\n  ]\n}'});
  actionDialog(name ? `Edit ${name}` : 'Create inline policy', [nameF.el, editor.el], name ? 'Save changes' : 'Create policy',
               async () => {
                 const policyName = nameF.input.value.trim();
                 if (!POLICY_NAME_RE.test(policyName)) {
                   throw {code: 'ValidationError', message: 'Policy name must be 1 to 128 characters: letters, digits and +=,.@-_'};
                 }
                 if (!(await editor.validate())) {
                   throw {code: 'MalformedPolicyDocument', message: 'Fix the errors in the policy before you save it.'};
                 }
                 await call('PutRolePolicy', {RoleName: roleName, PolicyName: policyName, PolicyDocument: editor.value()});
                 notify(name ? `Policy ${policyName} updated.` : `Policy ${policyName} created.`);
                 done();
               });
}

export async function render(main, route) {
  const roleName = route.params.name;
  const errs = errorSlot();
  let role = readRole(await call('GetRole', {RoleName: roleName}));
  const accountId = arnAccount(role.arn);

  const delBtn = button('Delete', async () => {
    const ok = await confirmDialog({title: `Delete ${role.name}?`,
                                    body: 'Deleting the role removes its permissions policies and instance profiles.',
                                    confirmLabel: 'Delete', requireText: role.name});
    if (!ok) return;
    await busy(delBtn, async () => {
      try {
        await deleteRoleFully(role.name);
        notify(`Role ${role.name} deleted.`);
        go('#/roles');
      } catch (err) {
        errs.show(err);
      }
    });
  });
  main.append(h('div', {class: 'iam-header'}, heading(role.name, 'Roles'), h('div', {class: 'iam-actions'}, delBtn)), errs);

  const summaryHolder = h('div', {});
  const switchLink = `${location.origin}/console/#/switch-role?account=${encodeURIComponent(accountId)}&roleName=${encodeURIComponent(role.name)}`;
  function drawSummary() {
    const editDuration = button('Edit', () => {
      const known = DURATIONS.some(([v]) => v === String(role.maxSession));
      const sel = select('max-session-duration', [...DURATIONS, ['custom', 'Custom duration']], known ? String(role.maxSession) : 'custom');
      const custom = field('Custom duration (seconds)', {id: 'max-session-custom', type: 'number', value: String(role.maxSession),
                                                         hint: 'Between 3600 (1 hour) and 43200 (12 hours).'});
      custom.input.min = '3600';
      custom.input.max = '43200';
      custom.el.hidden = sel.value !== 'custom';
      sel.addEventListener('change', () => {
        custom.el.hidden = sel.value !== 'custom';
      });
      actionDialog('Edit maximum session duration',
                   [h('div', {class: 'iam-field'}, h('label', {for: sel.id}, 'Maximum session duration'), sel), custom.el],
                   'Save changes', async () => {
                     const v = sel.value === 'custom' ? custom.input.value.trim() : sel.value;
                     await call('UpdateRole', {RoleName: role.name, MaxSessionDuration: v});
                     role = readRole(await call('GetRole', {RoleName: role.name}));
                     notify('Maximum session duration updated.');
                     drawSummary();
                   });
    }, {ariaLabel: 'Edit maximum session duration', small: true});
    const editDesc = button('Edit', () => {
      const input = h('textarea', {id: 'role-description-edit', rows: '3', maxlength: '1000'});
      input.value = role.description;
      actionDialog('Edit description', [field('Description', {id: 'role-description-edit', input,
                                                              hint: 'Maximum 1000 characters.'}).el],
                   'Save changes', async () => {
                     await call('UpdateRole', {RoleName: role.name, Description: input.value});
                     role = readRole(await call('GetRole', {RoleName: role.name}));
                     notify('Description updated.');
                     drawSummary();
                   });
    }, {ariaLabel: 'Edit description', small: true});
    summaryHolder.replaceChildren(section('Summary', summary([
      ['Creation date', fmtDate(role.created)],
      ['ARN', h('span', {}, h('code', {}, role.arn), ' ', copyButton(role.arn, 'Copy ARN'))],
      ['Last activity', role.lastUsed ? `${timeAgo(role.lastUsed)}${role.lastRegion ? ` in ${role.lastRegion}` : ''}` : '-'],
      ['Maximum session duration', h('span', {}, durationText(role.maxSession), ' ', editDuration)],
      ['Description', h('span', {}, role.description || '-', ' ', editDesc)],
      ['Link to switch roles in console',
       h('span', {}, h('a', {href: switchLink}, switchLink), ' ', copyButton(switchLink, 'Copy link'))],
    ])));
  }
  drawSummary();
  main.append(summaryHolder);

  async function renderPermissions(panel) {
    panel.replaceChildren(h('p', {class: 'iam-muted'}, 'Loading…'));
    const perrs = errorSlot();
    const [attached, inline] = await Promise.all([
      callAll('ListAttachedRolePolicies', {RoleName: role.name}, 'AttachedPolicies'),
      callAll('ListRolePolicies', {RoleName: role.name}, 'PolicyNames'),
    ]);
    const rows = [
      ...attached.map((m) => ({name: text(m, 'PolicyName'), arn: text(m, 'PolicyArn'), inline: false})),
      ...inline.map((m) => ({name: m.textContent, arn: '', inline: true})),
    ].map((r) => ({...r, type: r.inline ? 'Customer inline' : policyType(r.arn)}));
    const refresh = () => renderPermissions(panel);
    const removeBtn = button('Remove', null);
    removeBtn.disabled = true;
    const tbl = table({
      columns: [
        {header: 'Policy name', cell: (r) => (r.inline ? r.name : h('a', {href: `#/policies/${encodeURIComponent(r.arn)}`}, r.name))},
        {header: 'Type', cell: (r) => r.type},
        {header: 'Actions', cell: (r) => (r.inline ? button('Edit', async () => {
          try {
            const res = await call('GetRolePolicy', {RoleName: role.name, PolicyName: r.name});
            inlinePolicyDialog(role.name, r.name, decodeDocument(text(res, 'PolicyDocument')), refresh);
          } catch (err) {
            perrs.show(err);
          }
        }, {ariaLabel: `Edit ${r.name}`, small: true}) : '')},
      ],
      rows,
      selectable: 'multi',
      empty: 'No permissions policies',
      filter: (r) => `${r.name} ${r.type}`,
      searchLabel: 'Find policies',
      label: 'Permissions policies',
      rowLabel: (r) => r.name,
      onSelect: (sel) => {
        removeBtn.disabled = sel.length === 0;
      },
    });
    removeBtn.addEventListener('click', async () => {
      const sel = tbl.selected();
      const ok = await confirmDialog({title: sel.length === 1 ? `Remove ${sel[0].name}?` : `Remove ${sel.length} policies?`,
                                      body: h('ul', {}, sel.map((r) => h('li', {}, r.name))), confirmLabel: 'Remove'});
      if (!ok) return;
      await busy(removeBtn, async () => {
        try {
          for (const r of sel) {
            if (r.inline) await call('DeleteRolePolicy', {RoleName: role.name, PolicyName: r.name});
            else await call('DetachRolePolicy', {RoleName: role.name, PolicyArn: r.arn});
          }
          forgetManagedPolicies();
          notify(sel.length === 1 ? `Policy ${sel[0].name} removed.` : `${sel.length} policies removed.`);
          await refresh();
        } catch (err) {
          perrs.show(err);
        }
      });
    });
    const attachBtn = button('Attach policies', () => {
      const picker = policyPicker({selectable: 'multi', idPrefix: 'attach', exclude: new Set(attached.map((m) => text(m, 'PolicyArn'))),
                                   label: 'Other permissions policies'});
      actionDialog(`Attach policy to ${role.name}`, [picker.el], 'Add permissions', async () => {
        const chosen = picker.selected();
        if (!chosen.length) throw {code: 'ValidationError', message: 'Choose at least one policy.'};
        for (const p of chosen) await call('AttachRolePolicy', {RoleName: role.name, PolicyArn: p.arn});
        forgetManagedPolicies();
        notify(chosen.length === 1 ? `Policy ${chosen[0].name} attached.` : `${chosen.length} policies attached.`);
        await refresh();
      });
    });
    const inlineBtn = button('Create inline policy', () => inlinePolicyDialog(role.name, '', '', refresh));

    // Permissions boundary
    const boundaryBox = h('div', {});
    if (role.boundary) {
      boundaryBox.append(
          h('p', {}, 'Permissions boundary: ', h('a', {href: `#/policies/${encodeURIComponent(role.boundary)}`}, role.boundary.split('/').pop()),
            ` (${policyType(role.boundary)})`),
          h('div', {class: 'iam-actions'},
            button('Change boundary', () => boundaryDialog()),
            button('Remove boundary', async () => {
              const ok = await confirmDialog({title: 'Remove permissions boundary?',
                                              body: `The role ${role.name} will no longer be limited by ${role.boundary.split('/').pop()}.`,
                                              confirmLabel: 'Remove boundary'});
              if (!ok) return;
              try {
                await call('DeleteRolePermissionsBoundary', {RoleName: role.name});
                role = readRole(await call('GetRole', {RoleName: role.name}));
                notify('Permissions boundary removed.');
                await refresh();
              } catch (err) {
                perrs.show(err);
              }
            })));
    } else {
      boundaryBox.append(h('p', {class: 'iam-muted'}, 'Permissions boundary is not set.'),
                         button('Set permissions boundary', () => boundaryDialog()));
    }
    function boundaryDialog() {
      const picker = policyPicker({selectable: 'single', idPrefix: 'boundary', label: 'Permissions boundary'});
      actionDialog('Set permissions boundary', [picker.el], 'Set boundary', async () => {
        const p = picker.selected()[0];
        if (!p) throw {code: 'ValidationError', message: 'Choose a policy to use as the permissions boundary.'};
        await call('PutRolePermissionsBoundary', {RoleName: role.name, PermissionsBoundary: p.arn});
        role = readRole(await call('GetRole', {RoleName: role.name}));
        forgetManagedPolicies();
        notify('Permissions boundary set.');
        await refresh();
      });
    }

    panel.replaceChildren(
        perrs,
        section(`Permissions policies (${rows.length})`,
                h('p', {class: 'iam-muted'}, 'You can attach up to 10 managed policies.'),
                h('div', {class: 'iam-actions'}, removeBtn, attachBtn, inlineBtn), tbl.el),
        section('Permissions boundary', boundaryBox));
  }

  async function renderTrust(panel) {
    const terrs = errorSlot();
    const editBtn = button('Edit trust policy', () => {
      const editor = policyEditor({label: 'Trust policy', value: role.trust, kind: 'trust', id: 'trust-policy-editor'});
      const save = button('Update policy', null, {primary: true});
      const cancel = button('Cancel', () => renderTrust(panel));
      save.addEventListener('click', () => busy(save, async () => {
        terrs.clear();
        if (!(await editor.validate())) {
          terrs.show({code: 'MalformedPolicyDocument', message: 'Fix the errors in the trust policy before you update it.'});
          return;
        }
        try {
          await call('UpdateAssumeRolePolicy', {RoleName: role.name, PolicyDocument: editor.value()});
          role = readRole(await call('GetRole', {RoleName: role.name}));
          notify('Trust policy updated.');
          await renderTrust(panel);
        } catch (err) {
          terrs.show(err);
        }
      }));
      panel.replaceChildren(h('h2', {}, 'Edit trust policy'), terrs, editor.el, h('div', {class: 'iam-actions iam-end'}, cancel, save));
      editor.focus();
    });
    panel.replaceChildren(section('Trusted entities',
                                  h('p', {class: 'iam-muted'}, 'Entities that can assume this role under specified conditions.'),
                                  h('div', {class: 'iam-actions'}, editBtn), terrs, codeBlock(role.trust, 'Trust policy')));
  }

  const renderTags = (panel) => tagsPanel(panel, {
    idPrefix: 'role-tags',
    load: async () => {
      role = readRole(await call('GetRole', {RoleName: role.name}));
      return role.tags;
    },
    tag: (tags) => call('TagRole', {RoleName: role.name, ...tagParams(tags)}),
    untag: (keys) => call('UntagRole', {RoleName: role.name, ...listParams('TagKeys', keys)}),
  });

  const active = route.query.get('tab') || 'permissions';
  main.append(tabs([
    {id: 'permissions', label: 'Permissions', render: renderPermissions},
    {id: 'trust', label: 'Trust relationships', render: renderTrust},
    {id: 'tags', label: 'Tags', render: renderTags},
  ], active));
}
