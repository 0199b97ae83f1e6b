// Policies: every managed policy (Policy name, Type, Used as, Description), "Filter by Type",
// search, paging; delete customer managed policies; "Create policy".

import {call, callAll, text} from '../api.js';
import {h, notify, table, confirmDialog} from '../ui.js';
import {heading, errorSlot, button, busy, select, listManagedPolicies, forgetManagedPolicies, POLICY_TYPES,
        isAwsManaged} from '../iam-common.js';

// "Permissions policy (2)", "Boundary (1)", both, or "None" (AWS's "Used as").
function usedAs(p) {
  const parts = [];
  if (p.attachments > 0) parts.push(`Permissions policy (${p.attachments})`);
  if (p.boundaryUses > 0) parts.push(`Boundary (${p.boundaryUses})`);
  return parts.length ? parts.join(', ') : 'None';
}

// Deletes a customer managed policy as the console does: detaches it from every user, group and
// role, deletes its non-default versions, then DeletePolicy.
export async function deletePolicyFully(arn) {
  const users = await callAll('ListEntitiesForPolicy', {PolicyArn: arn}, 'PolicyUsers');
  const groups = await callAll('ListEntitiesForPolicy', {PolicyArn: arn}, 'PolicyGroups');
  const roles = await callAll('ListEntitiesForPolicy', {PolicyArn: arn}, 'PolicyRoles');
  for (const u of users) await call('DetachUserPolicy', {UserName: text(u, 'UserName'), PolicyArn: arn});
  for (const g of groups) await call('DetachGroupPolicy', {GroupName: text(g, 'GroupName'), PolicyArn: arn});
  for (const r of roles) await call('DetachRolePolicy', {RoleName: text(r, 'RoleName'), PolicyArn: arn});
  const versions = await callAll('ListPolicyVersions', {PolicyArn: arn}, 'Versions');
  for (const v of versions) {
    if (text(v, 'IsDefaultVersion') !== 'true') await call('DeletePolicyVersion', {PolicyArn: arn, VersionId: text(v, 'VersionId')});
  }
  await call('DeletePolicy', {PolicyArn: arn});
}

// ListPolicies leaves Description out (as AWS does): GetPolicy fills it for the rows shown, a few
// at a time, once per policy.
const pending = [];
let workers = 0;
function describe(p) {
  if (p.description || p.described) return p.description || '-';
  const span = h('span', {class: 'iam-muted'}, '…');
  pending.push([p, span]);
  while (workers < 4 && pending.length) {
    workers++;
    (async () => {
      while (pending.length) {
        const [q, el] = pending.shift();
        if (!q.described) {
          try {
            q.description = text(await call('GetPolicy', {PolicyArn: q.arn}), 'Description');
          } catch {
            q.description = '';
          }
          q.described = true;
        }
        el.textContent = q.description || '-';
      }
      workers--;
    })();
  }
  return span;
}

export async function render(main, route) {
  const errs = errorSlot();
  const count = h('span', {class: 'iam-muted'});
  const holder = h('div', {}, h('p', {class: 'iam-muted'}, 'Loading policies…'));
  const delBtn = button('Delete', null);
  delBtn.disabled = true;
  const typeSel = select('policies-type', [['', 'All types'], ...POLICY_TYPES.map((t) => [t, t])],
                         route.query.get('type') || '');
  const createBtn = h('a', {class: 'btn btn-primary', href: '#/policies/create'}, 'Create policy');
  main.append(h('div', {class: 'iam-header'}, heading('Policies'), h('div', {class: 'iam-actions'}, delBtn, createBtn)),
              h('p', {class: 'iam-muted'}, 'A policy is an object in AWS that defines permissions.'),
              h('div', {class: 'iam-row'},
                h('div', {class: 'iam-field'}, h('label', {for: typeSel.id}, 'Filter by Type'), typeSel)),
              count, errs, holder);

  let all = [];
  let tbl = null;
  function build() {
    const rows = all.filter((p) => !typeSel.value || p.type === typeSel.value);
    count.textContent = `${rows.length} polic${rows.length === 1 ? 'y' : 'ies'}`;
    tbl = table({
      columns: [
        {header: 'Policy name', cell: (p) => h('a', {href: `#/policies/${encodeURIComponent(p.arn)}`}, p.name)},
        {header: 'Type', cell: (p) => p.type},
        {header: 'Used as', cell: usedAs},
        {header: 'Description', cell: describe},
      ],
      rows,
      selectable: 'single',
      empty: 'No policies to display',
      filter: (p) => `${p.name} ${p.description}`,
      searchLabel: 'Find policies by property or policy name',
      label: 'Policies',
      rowLabel: (p) => p.name,
      pageSize: 25,
      onSelect: (sel) => {
        delBtn.disabled = !(sel.length === 1 && !isAwsManaged(sel[0].arn));
      },
    });
    delBtn.disabled = true;
    holder.replaceChildren(tbl.el);
  }
  typeSel.addEventListener('change', build);

  async function load(refresh, clearErrors = true) {
    if (clearErrors) errs.clear();
    try {
      all = (await listManagedPolicies(refresh)).slice().sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      holder.replaceChildren();
      errs.show(err);
      return;
    }
    build();
  }

  delBtn.addEventListener('click', async () => {
    const p = tbl && tbl.selected()[0];
    if (!p || isAwsManaged(p.arn)) return;
    const ok = await confirmDialog({
      title: `Delete ${p.name}?`,
      body: h('div', {},
              h('p', {}, 'Deleting this policy removes it from every user, group and role it is attached to, ' +
                'and deletes all of its versions.'),
              p.attachments ? h('p', {}, `It is attached to ${p.attachments} entit${p.attachments === 1 ? 'y' : 'ies'}.`) : null),
      confirmLabel: 'Delete',
      requireText: p.name,
    });
    if (!ok) return;
    await busy(delBtn, async () => {
      errs.clear();
      try {
        await deletePolicyFully(p.arn);
        notify(`Policy ${p.name} deleted.`);
      } catch (err) {
        errs.show(err);
      }
      forgetManagedPolicies();
      await load(true, false);
    });
  });

  await load(true);
}
