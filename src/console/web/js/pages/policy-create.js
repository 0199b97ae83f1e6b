// Create policy: Step 1 "Specify permissions" (the policy editor, JSON, validated as you type),
// Step 2 "Review and create" ("Policy name", "Description", tags) -> CreatePolicy.

import {call, tagParams, text} from '../api.js';
import {h, notify, wizard} from '../ui.js';
import {heading, field, tagsEditor, codeBlock, forgetManagedPolicies, go} from '../iam-common.js';
import {policyEditor} from '../policy-editor.js';

const TEMPLATE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Statement1",
      "Effect": "Allow",
      "Action": [],
      "Resource": []
    }
  ]
}`;
const NAME_RE = /^[\w+=,.@-]{1,128}$/;

export async function render(main) {
  main.append(heading('Create policy'));
  const editor = policyEditor({label: 'Policy editor', value: TEMPLATE, kind: 'identity', id: 'policy-document'});
  const step1 = h('div', {},
                  h('p', {class: 'iam-muted'}, 'Add permissions by writing a policy in JSON. ',
                    'The policy is checked as you type; the messages name the line and column.'),
                  h('p', {}, 'Editor: ', h('span', {class: 'iam-badge iam-allowed'}, 'JSON')),
                  editor.el);

  const nameF = field('Policy name', {id: 'policy-name',
                                      hint: 'Maximum 128 characters. Use alphanumeric and \'+=,.@-_\' characters.'});
  const descInput = h('textarea', {id: 'policy-description', rows: '3', maxlength: '1000'});
  const descF = field('Description - optional', {id: 'policy-description', input: descInput,
                                                 hint: 'Maximum 1,000 characters.'});
  const tags = tagsEditor([], 'policy-tag');
  const review = h('div', {});
  const step2 = h('div', {}, h('h3', {}, 'Policy details'), nameF.el, descF.el,
                  h('h3', {}, 'Permissions defined in this policy'), review,
                  h('h3', {}, 'Add tags - optional'), tags.el);

  main.append(wizard([
    {title: 'Specify permissions', render: (panel) => {
      panel.append(step1);
    }, validate: () => {
      if (editor.errors().length) return 'Fix the errors in the policy before you continue.';
      if (!editor.valid()) return 'The policy is still being checked; try again in a moment.';
      return null;
    }},
    {title: 'Review and create', render: (panel) => {
      review.replaceChildren(codeBlock(editor.value(), 'Policy document'));
      panel.append(step2);
      nameF.input.focus();
    }, validate: () => {
      if (!NAME_RE.test(nameF.input.value.trim())) return 'Policy name must be 1 to 128 characters: letters, digits and +=,.@-_';
      if (descInput.value.length > 1000) return 'Description must be at most 1,000 characters.';
      return tags.validate();
    }},
  ], async () => {
    const params = {PolicyName: nameF.input.value.trim(), PolicyDocument: editor.value(), ...tagParams(tags.tags())};
    if (descInput.value) params.Description = descInput.value;
    const res = await call('CreatePolicy', params);
    forgetManagedPolicies();
    notify(`Policy ${params.PolicyName} created.`);
    go(`#/policies/${encodeURIComponent(text(res, 'Arn'))}`);
  }, {submitLabel: 'Create policy', onCancel: () => go('#/policies')}));
}
