// Create role: AWS's wizard. Step 1 "Select trusted entity" (AWS service, AWS account, Web
// identity, SAML 2.0 federation, Custom trust policy), Step 2 "Add permissions" (managed
// policies, permissions boundary), Step 3 "Name, review, and create" -> CreateRole, then
// AttachRolePolicy for each chosen policy.

import {call, callAll, text, members, tagParams} from '../api.js';
import {h, notify, wizard} from '../ui.js';
import {heading, field, select, checkbox, radioCards, tagsEditor, policyPicker, codeBlock, providerName,
        errorSlot, go} from '../iam-common.js';
import {policyEditor} from '../policy-editor.js';

// [IMPL] the services offered, as AWS's list starts (the common use cases); "Other" takes any
// service principal.
const SERVICES = [
  ['ec2', 'EC2', 'Allows EC2 instances to call AWS services on your behalf.'],
  ['lambda', 'Lambda', 'Allows Lambda functions to call AWS services on your behalf.'],
  ['ecs-tasks', 'Elastic Container Service Task', 'Allows ECS tasks to call AWS services on your behalf.'],
  ['apigateway', 'API Gateway', 'Allows API Gateway to push logs to CloudWatch Logs.'],
  ['cloudformation', 'CloudFormation', 'Allows CloudFormation to create and manage AWS stacks and resources on your behalf.'],
  ['codebuild', 'CodeBuild', 'Allows CodeBuild to call AWS services on your behalf.'],
  ['events', 'EventBridge', 'Allows EventBridge to call AWS services on your behalf.'],
  ['glue', 'Glue', 'Allows Glue to call AWS services on your behalf.'],
  ['sagemaker', 'SageMaker', 'Allows SageMaker notebook instances, training jobs, and models to access AWS resources.'],
  ['states', 'Step Functions', 'Allows Step Functions to access AWS resources on your behalf.'],
  ['firehose', 'Kinesis Firehose', 'Allows Kinesis Firehose to call AWS services on your behalf.'],
  ['redshift', 'Redshift', 'Allows Redshift clusters to call AWS services on your behalf.'],
];

const TYPES = [
  {value: 'service', label: 'AWS service', hint: 'Allow AWS services like EC2, Lambda, or others to perform actions in this account.'},
  {value: 'account', label: 'AWS account', hint: 'Allow entities in other AWS accounts belonging to you or a 3rd party to perform actions in this account.'},
  {value: 'web', label: 'Web identity', hint: 'Allows users federated by the specified external web identity provider to assume this role to perform actions in this account.'},
  {value: 'saml', label: 'SAML 2.0 federation', hint: 'Allow users federated with SAML 2.0 from a corporate directory to perform actions in this account.'},
  {value: 'custom', label: 'Custom trust policy', hint: 'Create a custom trust policy to enable others to perform actions in this account.'},
];

const CUSTOM_TEMPLATE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Statement1",
      "Effect": "Allow",
      "Principal": {},
      "Action": "sts:AssumeRole"
    }
  ]
}`;

const NAME_RE = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID_RE = /^[\w+=,.@:/-]{2,1224}$/;

export async function render(main, route) {
  const session = route.session || {};
  const accountId = session.accountId || '';
  const partition = ((session.principal && session.principal.arn) || 'arn:aws').split(':')[1] || 'aws';
  main.append(heading('Create role'));

  // ---- Step 1 ----
  const type = radioCards('trusted-entity-type', 'Trusted entity type', TYPES, route.query.get('type') || 'service');
  const sub = {};

  const svcSel = select('role-service', [...SERVICES.map(([v, l]) => [v, l]), ['other', 'Other service principal']], 'ec2');
  const svcOther = field('Service principal', {id: 'role-service-other', placeholder: 'example.amazonaws.com',
                                               hint: 'The service principal, for example states.amazonaws.com.'});
  const svcDesc = h('p', {class: 'iam-hint'});
  const syncSvc = () => {
    const s = SERVICES.find(([v]) => v === svcSel.value);
    svcDesc.textContent = s ? `Use case: ${s[2]}` : '';
    svcOther.el.hidden = svcSel.value !== 'other';
  };
  svcSel.addEventListener('change', syncSvc);
  syncSvc();
  sub.service = h('div', {}, h('h3', {}, 'Use case'),
                  h('div', {class: 'iam-field'}, h('label', {for: 'role-service'}, 'Service or use case'), svcSel),
                  svcDesc, svcOther.el);

  const acctWhich = radioCards('role-account', 'An AWS account', [
    {value: 'this', label: 'This account', hint: accountId ? `(${accountId})` : ''},
    {value: 'other', label: 'Another AWS account'},
  ], 'this');
  const acctId = field('Account ID', {id: 'role-account-id', hint: 'Identifier of the account that can use this role', placeholder: '123456789012'});
  const syncAcct = () => {
    acctId.el.hidden = acctWhich.value() !== 'other';
  };
  acctWhich.onChange(syncAcct);
  syncAcct();
  const reqExt = checkbox('Require external ID (Best practice when a third party will assume this role)', {id: 'role-require-external-id'});
  const extId = field('External ID', {id: 'role-external-id',
                                      hint: 'Use an external ID with a third party that will assume this role.'});
  const reqMfa = checkbox('Require MFA', {id: 'role-require-mfa',
                                          hint: 'Requires that the assuming entity use multi-factor authentication.'});
  const syncExt = () => {
    extId.el.hidden = !reqExt.input.checked;
  };
  reqExt.input.addEventListener('change', syncExt);
  syncExt();
  sub.account = h('div', {}, acctWhich.el, acctId.el, h('h3', {}, 'Options'), reqExt.el, extId.el, reqMfa.el);

  // Web identity: the account's OIDC providers and their audiences.
  const oidcSel = select('role-oidc-provider', [['', 'Choose an identity provider']], '');
  const audSel = select('role-oidc-audience', [['', 'Choose an audience']], '');
  const audOther = field('Audience', {id: 'role-oidc-audience-text', hint: 'The client ID your application uses.'});
  audOther.el.hidden = true;
  const webErrs = errorSlot();
  const webNone = h('p', {class: 'iam-muted', hidden: true}, 'This account has no OpenID Connect provider. ',
                    h('a', {href: '#/identity-providers/create'}, 'Add an identity provider'), ' first.');
  const audiences = new Map();
  async function loadAudiences() {
    const arn = oidcSel.value;
    audSel.replaceChildren(h('option', {value: ''}, 'Choose an audience'));
    if (!arn) return;
    if (!audiences.has(arn)) {
      try {
        const res = await call('GetOpenIDConnectProvider', {OpenIDConnectProviderArn: arn});
        audiences.set(arn, {url: text(res, 'Url'), ids: members(res, 'ClientIDList').map((m) => m.textContent)});
      } catch (err) {
        webErrs.show(err);
        audiences.set(arn, {url: providerName(arn), ids: []});
      }
    }
    const {ids} = audiences.get(arn);
    for (const id of ids) audSel.append(h('option', {value: id}, id));
    audSel.append(h('option', {value: '__other'}, 'Other audience…'));
    if (ids.length === 1) audSel.value = ids[0];
    audOther.el.hidden = audSel.value !== '__other';
  }
  oidcSel.addEventListener('change', loadAudiences);
  audSel.addEventListener('change', () => {
    audOther.el.hidden = audSel.value !== '__other';
  });
  sub.web = h('div', {}, webErrs, webNone,
              h('div', {class: 'iam-field'}, h('label', {for: 'role-oidc-provider'}, 'Identity provider'), oidcSel),
              h('div', {class: 'iam-field'}, h('label', {for: 'role-oidc-audience'}, 'Audience'), audSel), audOther.el);
  let oidcLoaded = false;
  async function loadOidc() {
    if (oidcLoaded) return;
    oidcLoaded = true;
    try {
      const ps = await callAll('ListOpenIDConnectProviders', {}, 'OpenIDConnectProviderList');
      for (const p of ps) {
        const arn = text(p, 'Arn');
        oidcSel.append(h('option', {value: arn}, providerName(arn)));
      }
      webNone.hidden = ps.length > 0;
      if (ps.length === 1) {
        oidcSel.value = text(ps[0], 'Arn');
        await loadAudiences();
      }
    } catch (err) {
      oidcLoaded = false;
      webErrs.show(err);
    }
  }

  const samlSel = select('role-saml-provider', [['', 'Choose a SAML 2.0 provider']], '');
  const samlAccess = radioCards('role-saml-access', 'Access to be allowed', [
    {value: 'programmatic', label: 'Allow programmatic access only'},
    {value: 'console', label: 'Allow programmatic and AWS Management Console access'},
  ], 'console');
  const samlErrs = errorSlot();
  const samlNone = h('p', {class: 'iam-muted', hidden: true}, 'This account has no SAML provider. ',
                     h('a', {href: '#/identity-providers/create?type=saml'}, 'Add an identity provider'), ' first.');
  sub.saml = h('div', {}, samlErrs, samlNone,
               h('div', {class: 'iam-field'}, h('label', {for: 'role-saml-provider'}, 'SAML 2.0–based provider'), samlSel),
               samlAccess.el);
  let samlLoaded = false;
  async function loadSaml() {
    if (samlLoaded) return;
    samlLoaded = true;
    try {
      const ps = await call('ListSAMLProviders', {});
      const list = members(ps, 'SAMLProviderList');
      for (const p of list) {
        const arn = text(p, 'Arn');
        samlSel.append(h('option', {value: arn}, providerName(arn)));
      }
      samlNone.hidden = list.length > 0;
      if (list.length === 1) samlSel.value = text(list[0], 'Arn');
    } catch (err) {
      samlLoaded = false;
      samlErrs.show(err);
    }
  }

  const editor = policyEditor({label: 'Custom trust policy', value: CUSTOM_TEMPLATE, kind: 'trust', id: 'role-trust-policy'});
  sub.custom = h('div', {}, editor.el);

  const subHolder = h('div', {class: 'iam-section'});
  const showSub = () => {
    const t = type.value();
    subHolder.replaceChildren(sub[t]);
    if (t === 'web') loadOidc();
    if (t === 'saml') loadSaml();
  };
  type.onChange(showSub);
  showSub();
  const step1 = h('div', {}, type.el, subHolder);

  function trustDocument() {
    const t = type.value();
    if (t === 'custom') return editor.value();
    let stmt;
    if (t === 'service') {
      const svc = svcSel.value === 'other' ? svcOther.input.value.trim() : `${svcSel.value}.amazonaws.com`;
      stmt = {Effect: 'Allow', Principal: {Service: svc}, Action: 'sts:AssumeRole'};
    } else if (t === 'account') {
      const id = acctWhich.value() === 'other' ? acctId.input.value.trim() : accountId;
      stmt = {Effect: 'Allow', Principal: {AWS: `arn:${partition}:iam::${id}:root`}, Action: 'sts:AssumeRole'};
      const cond = {};
      if (reqExt.input.checked) cond.StringEquals = {'sts:ExternalId': extId.input.value};
      if (reqMfa.input.checked) cond.Bool = {'aws:MultiFactorAuthPresent': 'true'};
      if (Object.keys(cond).length) stmt.Condition = cond;
    } else if (t === 'web') {
      const arn = oidcSel.value;
      const url = (audiences.get(arn) || {}).url || providerName(arn);
      const aud = audSel.value === '__other' ? audOther.input.value.trim() : audSel.value;
      stmt = {Effect: 'Allow', Principal: {Federated: arn}, Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {StringEquals: {[`${url.replace(/^https:\/\//, '')}:aud`]: aud}}};
    } else {
      stmt = {Effect: 'Allow', Principal: {Federated: samlSel.value}, Action: 'sts:AssumeRoleWithSAML'};
      if (samlAccess.value() === 'console') {
        stmt.Condition = {StringEquals: {'SAML:aud': 'https://signin.aws.amazon.com/saml'}};
      }
    }
    return JSON.stringify({Version: '2012-10-17', Statement: [stmt]}, null, 4);
  }

  function validate1() {
    const t = type.value();
    if (!t) return 'Choose a trusted entity type.';
    if (t === 'service') {
      if (svcSel.value === 'other' && !/^[\w.-]+\.[a-z]{2,}(\.[a-z.]+)?$/.test(svcOther.input.value.trim())) {
        return 'Enter a service principal, for example states.amazonaws.com.';
      }
    } else if (t === 'account') {
      if (acctWhich.value() === 'other' && !/^\d{12}$/.test(acctId.input.value.trim())) {
        return 'Account ID must be 12 digits.';
      }
      if (reqExt.input.checked && !EXTERNAL_ID_RE.test(extId.input.value)) {
        return 'External ID must be 2 to 1224 characters: letters, digits and +=,.@:/-';
      }
    } else if (t === 'web') {
      if (!oidcSel.value) return 'Choose an identity provider.';
      const aud = audSel.value === '__other' ? audOther.input.value.trim() : audSel.value;
      if (!aud) return 'Choose an audience.';
    } else if (t === 'saml') {
      if (!samlSel.value) return 'Choose a SAML 2.0 provider.';
    } else if (t === 'custom') {
      if (editor.errors().length) return 'Fix the errors in the trust policy before you continue.';
      if (!editor.valid()) return 'The trust policy is still being checked; try again in a moment.';
    }
    return null;
  }

  // ---- Step 2 ----
  const picker = policyPicker({selectable: 'multi', idPrefix: 'role-perm', label: 'Permissions policies'});
  const boundaryMode = radioCards('role-boundary', 'Set permissions boundary - optional', [
    {value: 'none', label: 'Create role without a permissions boundary'},
    {value: 'use', label: 'Use a permissions boundary to control the maximum role permissions'},
  ], 'none');
  const boundaryPicker = policyPicker({selectable: 'single', idPrefix: 'role-boundary-pick', label: 'Permissions boundary'});
  const syncBoundary = () => {
    boundaryPicker.el.hidden = boundaryMode.value() !== 'use';
  };
  boundaryMode.onChange(syncBoundary);
  syncBoundary();
  const step2 = h('div', {}, picker.el, h('div', {class: 'iam-section'}, boundaryMode.el, boundaryPicker.el));

  // ---- Step 3 ----
  const nameF = field('Role name', {id: 'role-name',
                                    hint: 'Maximum 64 characters. Use alphanumeric and \'+=,.@-_\' characters.'});
  const descInput = h('textarea', {id: 'role-description', rows: '3', maxlength: '1000'});
  const descF = field('Description', {id: 'role-description', input: descInput,
                                      hint: 'Maximum 1000 characters.'});
  const tags = tagsEditor([], 'role-tag');
  const trustView = h('div', {});
  const permView = h('div', {});
  const step3 = h('div', {}, h('h3', {}, 'Role details'), nameF.el, descF.el,
                  h('h3', {}, 'Step 1: Select trusted entities'), trustView,
                  h('h3', {}, 'Step 2: Add permissions'), permView,
                  h('h3', {}, 'Step 3: Add tags - optional'), tags.el);

  const w = wizard([
    {title: 'Select trusted entity', render: (panel) => panel.append(step1), validate: validate1},
    {title: 'Add permissions', render: (panel) => panel.append(step2),
     validate: () => (boundaryMode.value() === 'use' && boundaryPicker.selected().length === 0
                        ? 'Choose a policy to use as the permissions boundary.' : null)},
    {title: 'Name, review, and create', render: (panel) => {
      trustView.replaceChildren(codeBlock(trustDocument(), 'Trust policy'));
      const chosen = picker.selected();
      const boundary = boundaryMode.value() === 'use' ? boundaryPicker.selected()[0] : null;
      permView.replaceChildren(
          chosen.length ? h('ul', {}, chosen.map((p) => h('li', {}, `${p.name} (${p.type})`)))
                        : h('p', {class: 'iam-muted'}, 'No permissions policies.'),
          h('p', {}, 'Permissions boundary: ', boundary ? boundary.name : 'Not set'));
      panel.append(step3);
    }, validate: () => {
      const name = nameF.input.value.trim();
      if (!NAME_RE.test(name)) return 'Role name must be 1 to 64 characters: letters, digits and +=,.@-_';
      if (descInput.value.length > 1000) return 'Description must be at most 1000 characters.';
      return tags.validate();
    }},
  ], async () => {
    const name = nameF.input.value.trim();
    const boundary = boundaryMode.value() === 'use' ? boundaryPicker.selected()[0] : null;
    const params = {RoleName: name, AssumeRolePolicyDocument: trustDocument(), ...tagParams(tags.tags())};
    if (descInput.value) params.Description = descInput.value;
    if (boundary) params.PermissionsBoundary = boundary.arn;
    await call('CreateRole', params);
    for (const p of picker.selected()) {
      try {
        await call('AttachRolePolicy', {RoleName: name, PolicyArn: p.arn});
      } catch (err) {
        notify(`Role ${name} created, but ${p.name} could not be attached: ${err.code}: ${err.message}`, 'error');
        go(`#/roles/${encodeURIComponent(name)}`);
        return;
      }
    }
    notify(`Role ${name} created.`);
    go(`#/roles/${encodeURIComponent(name)}`);
  }, {submitLabel: 'Create role', onCancel: () => go('#/roles')});
  main.append(w);
}
