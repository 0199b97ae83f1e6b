// IAM Policy Simulator: a user's, group's or role's policies (SimulatePrincipalPolicy by its
// ARN) or custom policies (SimulateCustomPolicy), actions, resource ARNs and context keys ->
// a results table (Action, Resource, Permission, matched statements, missing context values).

import {callAll, text, members, listParams} from '../api.js';
import {h, table} from '../ui.js';
import {heading, errorSlot, button, busy, section, select, field} from '../iam-common.js';
import {policyEditor} from '../policy-editor.js';

const SUGGESTIONS = ['iam:ListUsers', 'iam:GetUser', 'iam:CreateUser', 'iam:DeleteUser', 'iam:PassRole',
                     'sts:AssumeRole', 's3:GetObject', 's3:PutObject', 's3:ListBucket', 'ec2:DescribeInstances',
                     'dynamodb:GetItem'];
const CONTEXT_TYPES = ['string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList', 'ip', 'ipList',
                       'binary', 'binaryList', 'date', 'dateList'];
const PERMISSION = {
  allowed: ['allowed', 'iam-allowed', ''],
  explicitDeny: ['denied', 'iam-denied', 'Explicitly denied'],
  implicitDeny: ['denied', 'iam-implicit', 'Implicitly denied (no matching statements)'],
};

// The direct child <tag> of el (the simulation results nest the same names deeper).
function child(el, tag) {
  for (const c of (el && el.children) || []) if (c.localName === tag) return c;
  return null;
}
const childText = (el, tag) => (child(el, tag) || {}).textContent || '';

function splitList(value) {
  return value.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
}

function position(el) {
  if (!el) return '';
  return `Ln ${text(el, 'Line') || '?'}, Col ${text(el, 'Column') || '?'}`;
}

export async function render(main) {
  main.append(heading('IAM Policy Simulator', 'Policy simulator'),
              h('p', {class: 'iam-muted'}, 'Test the policies of a user, group or role, or policies you write, against ' +
                'actions and resources, with the same engine that authorizes requests.'));
  const errs = errorSlot();

  // ---- who ----
  const kindSel = select('sim-kind', [['user', 'Users'], ['group', 'Groups'], ['role', 'Roles'], ['custom', 'Custom policies']], 'user');
  const entitySel = select('sim-entity', [], '');
  const entityLabel = h('label', {for: entitySel.id}, 'User');
  const entityBox = h('div', {class: 'iam-field'}, entityLabel, entitySel);
  const editor = policyEditor({label: 'Custom policy', id: 'sim-custom-policy', kind: 'identity',
                               value: '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n      "Action": "iam:ListUsers",\n      "Resource": "*"\n    }\n  ]\n}'});
  const customBox = h('div', {}, editor.el);
  const lists = {};
  async function loadEntities() {
    const kind = kindSel.value;
    entityBox.hidden = kind === 'custom';
    customBox.hidden = kind !== 'custom';
    if (kind === 'custom') return;
    entityLabel.textContent = {user: 'User', group: 'Group', role: 'Role'}[kind];
    entitySel.replaceChildren(h('option', {value: ''}, 'Loading…'));
    try {
      if (!lists[kind]) {
        const [action, tag, nameTag] = {user: ['ListUsers', 'Users', 'UserName'], group: ['ListGroups', 'Groups', 'GroupName'],
                                        role: ['ListRoles', 'Roles', 'RoleName']}[kind];
        lists[kind] = (await callAll(action, {}, tag)).map((m) => ({name: text(m, nameTag), arn: text(m, 'Arn')}))
            .sort((a, b) => a.name.localeCompare(b.name));
      }
      if (kindSel.value !== kind) return;
      entitySel.replaceChildren(...(lists[kind].length ? lists[kind].map((e) => h('option', {value: e.arn}, e.name))
                                                       : [h('option', {value: ''}, `No ${kindSel.selectedOptions[0].textContent.toLowerCase()}`)]));
    } catch (err) {
      entitySel.replaceChildren(h('option', {value: ''}, 'Could not list'));
      errs.show(err);
    }
  }
  kindSel.addEventListener('change', loadEntities);

  // ---- what ----
  const actions = field('Select actions', {id: 'sim-actions', value: 'iam:ListUsers',
                                           hint: 'Actions as service:Action, separated by commas, e.g. iam:CreateUser, s3:GetObject.'});
  const suggest = h('div', {class: 'iam-actions', role: 'group', 'aria-label': 'Suggested actions'},
                    h('span', {class: 'iam-hint'}, 'Add:'),
                    SUGGESTIONS.map((a) => button(a, () => {
                      const now = splitList(actions.input.value);
                      if (!now.includes(a)) now.push(a);
                      actions.input.value = now.join(', ');
                      actions.input.focus();
                    }, {ariaLabel: `Add action ${a}`, small: true})));
  const resources = field('Resource ARN', {id: 'sim-resources', value: '*',
                                           hint: 'One or more ARNs, separated by commas; * simulates every resource.'});

  // ---- context keys ----
  const ctxRows = [];
  const ctxList = h('div', {});
  let ctxSeq = 0;
  function addContext() {
    const n = ++ctxSeq;
    const key = h('input', {type: 'text', class: 'input', id: `sim-ctx-key-${n}`, placeholder: 'aws:SourceIp'});
    const type = select(`sim-ctx-type-${n}`, CONTEXT_TYPES.map((t) => [t, t]), 'string');
    const value = h('input', {type: 'text', class: 'input', id: `sim-ctx-value-${n}`, placeholder: 'Value (lists: comma separated)'});
    const row = {key, type, value};
    row.el = h('div', {class: 'iam-row'},
               h('div', {class: 'iam-field'}, h('label', {for: key.id}, 'Key'), key),
               h('div', {class: 'iam-field'}, h('label', {for: type.id}, 'Type'), type),
               h('div', {class: 'iam-field'}, h('label', {for: value.id}, 'Value'), value),
               button('Remove', () => {
                 ctxRows.splice(ctxRows.indexOf(row), 1);
                 row.el.remove();
               }, {ariaLabel: `Remove context key ${n}`}));
    ctxRows.push(row);
    ctxList.append(row.el);
    key.focus();
  }
  const addCtx = button('Add context key', addContext);

  const run = button('Run simulation', null, {primary: true, id: 'sim-run'});
  const results = h('div', {'aria-live': 'polite'});
  main.append(
      section('Policies',
              h('div', {class: 'iam-field'}, h('label', {for: kindSel.id}, 'Simulate for'), kindSel), entityBox, customBox),
      section('Actions and resources', actions.el, suggest, resources.el),
      section('Context keys - optional', h('p', {class: 'iam-hint'}, 'Values for the condition keys the policies test.'),
              ctxList, addCtx),
      h('div', {class: 'iam-actions'}, run), errs, results);
  loadEntities();

  run.addEventListener('click', () => busy(run, async () => {
    errs.clear();
    const actionNames = splitList(actions.input.value);
    const resourceArns = splitList(resources.input.value);
    if (!actionNames.length) {
      errs.show({code: 'ValidationError', message: 'Enter at least one action.'});
      actions.input.focus();
      return;
    }
    const params = {...listParams('ActionNames', actionNames)};
    if (resourceArns.length) Object.assign(params, listParams('ResourceArns', resourceArns));
    let i = 0;
    for (const r of ctxRows) {
      const key = r.key.value.trim();
      if (!key) continue;
      i++;
      const values = r.type.value.endsWith('List') ? splitList(r.value.value) : [r.value.value.trim()];
      params[`ContextEntries.member.${i}.ContextKeyName`] = key;
      params[`ContextEntries.member.${i}.ContextKeyType`] = r.type.value;
      Object.assign(params, listParams(`ContextEntries.member.${i}.ContextKeyValues`, values));
    }
    let items;
    try {
      if (kindSel.value === 'custom') {
        if (!(await editor.validate())) {
          errs.show({code: 'MalformedPolicyDocument', message: 'Fix the errors in the custom policy first.'});
          return;
        }
        items = await callAll('SimulateCustomPolicy', {...params, ...listParams('PolicyInputList', [editor.value()])},
                              'EvaluationResults');
      } else {
        if (!entitySel.value) {
          errs.show({code: 'ValidationError', message: `Choose a ${entityLabel.textContent.toLowerCase()}.`});
          return;
        }
        items = await callAll('SimulatePrincipalPolicy', {...params, PolicySourceArn: entitySel.value}, 'EvaluationResults');
      }
    } catch (err) {
      results.replaceChildren();
      errs.show(err);
      return;
    }
    const rows = items.map((m) => ({
      action: childText(m, 'EvalActionName'),
      resource: childText(m, 'EvalResourceName'),
      decision: childText(m, 'EvalDecision'),
      matched: members(child(m, 'MatchedStatements'), 'MatchedStatements').map((s) => ({
        id: text(s, 'SourcePolicyId'), type: text(s, 'SourcePolicyType'),
        start: position(child(s, 'StartPosition')), end: position(child(s, 'EndPosition')),
      })),
      missing: members(child(m, 'MissingContextValues'), 'MissingContextValues').map((k) => k.textContent),
    }));
    const summaryText = `${rows.filter((r) => r.decision === 'allowed').length} of ${rows.length} allowed`;
    results.replaceChildren(section(`Results (${summaryText})`, table({
      columns: [
        {header: 'Action', cell: (r) => r.action},
        {header: 'Resource', cell: (r) => r.resource},
        {header: 'Permission', cell: (r) => {
          const [word, cls, detail] = PERMISSION[r.decision] || [r.decision, 'iam-implicit', ''];
          return h('span', {'data-decision': r.decision}, h('span', {class: `iam-badge ${cls}`}, word),
                   detail ? h('span', {class: 'iam-small'}, ` ${detail}`) : null,
                   r.decision !== 'allowed' ? h('span', {class: 'iam-hint'}, ` (${r.decision})`) : null);
        }},
        {header: 'Matched statements', cell: (r) => (r.matched.length
          ? h('ul', {class: 'iam-ul'}, r.matched.map((s) => h('li', {}, `${s.id}${s.type ? ` (${s.type})` : ''}`,
                                                               s.start ? h('span', {class: 'iam-hint'}, `: ${s.start} – ${s.end}`) : null)))
          : '-')},
        {header: 'Missing context values', cell: (r) => (r.missing.length ? r.missing.join(', ') : '-')},
      ],
      rows,
      empty: 'No results',
      label: 'Simulation results',
      pageSize: 50,
    }).el));
  }));
}
