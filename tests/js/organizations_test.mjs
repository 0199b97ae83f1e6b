// The AWS SDK for JavaScript v3's Organizations client against `iamd serve` (AWS JSON 1.1): its
// paginators over accounts, children and policies; an administrator of the management account
// reaching a member account through fromTemporaryCredentials and OrganizationAccountAccessRole;
// an SCP that limits that session and nothing of the management account. Run by ctest as
// js_organizations:
//     node tests/js/organizations_test.mjs PATH/TO/iamd
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  IAMClient,
} from "@aws-sdk/client-iam";
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  DescribeOrganizationCommand,
  DetachPolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListChildren,
  paginateListPolicies,
} from "@aws-sdk/client-organizations";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";

import { assert, assertEqual, check, errorOf, finish, REGION, Server } from "./harness.mjs";

const server = new Server("organizations");
await server.start();
const org = server.client(OrganizationsClient);
const iam = server.client(IAMClient);
const { Account: management } = await server.client(STSClient).send(new GetCallerIdentityCommand({}));

// The management account's administrator (a root user may not assume roles).
await iam.send(new CreateUserCommand({ UserName: "admin" }));
await iam.send(
  new AttachUserPolicyCommand({ UserName: "admin", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
);
const adminKey = (await iam.send(new CreateAccessKeyCommand({ UserName: "admin" }))).AccessKey;
const admin = { accessKeyId: adminKey.AccessKeyId, secretAccessKey: adminKey.SecretAccessKey };

let rootId;
const members = [];

await check("CreateOrganization and four CreateAccount requests, each SUCCEEDED with its account id", async () => {
  const { Organization: o } = await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  assertEqual(o.MasterAccountId, management, "management account");
  assertEqual((await org.send(new DescribeOrganizationCommand({}))).Organization.Id, o.Id, "organization id");
  rootId = (await org.send(new ListRootsCommand({}))).Roots[0].Id;
  for (const name of ["a", "b", "c", "d"]) {
    const { CreateAccountStatus: s } = await org.send(
      new CreateAccountCommand({ Email: `${name}@example.com`, AccountName: `team-${name}` }),
    );
    assertEqual(s.State, "SUCCEEDED", `state of ${name}`);
    assert(/^\d{12}$/.test(s.AccountId), s);
    assert(s.RequestedTimestamp instanceof Date, "timestamps are dates");
    members.push(s.AccountId);
  }
});

await check("paginateListAccounts with PageSize 2 walks five accounts in three pages", async () => {
  const pages = [];
  for await (const page of paginateListAccounts({ client: org, pageSize: 2 }, {})) pages.push(page.Accounts);
  assertEqual(
    pages.map((p) => p.length),
    [2, 2, 1],
    "page sizes",
  );
  const ids = pages.flat().map((a) => a.Id);
  assertEqual([...ids].sort(), [management, ...members].sort(), "accounts");
  const created = pages.flat().filter((a) => a.JoinedMethod === "CREATED");
  assertEqual(created.length, 4, "created accounts");
  assert(
    created.every((a) => a.Status === "ACTIVE" && a.JoinedTimestamp instanceof Date),
    created,
  );
});

await check("paginateListChildren over an OU's accounts and paginateListPolicies", async () => {
  const { OrganizationalUnit: ou } = await org.send(
    new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "Workloads" }),
  );
  for (const id of members.slice(0, 3)) {
    await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: ou.Id }));
  }
  const children = [];
  for await (const page of paginateListChildren(
    { client: org, pageSize: 1 },
    { ParentId: ou.Id, ChildType: "ACCOUNT" },
  )) {
    assert(page.Children.length <= 1, page);
    children.push(...page.Children.map((c) => c.Id));
  }
  assertEqual(children.sort(), members.slice(0, 3).sort(), "children of the OU");
  await org.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: "SERVICE_CONTROL_POLICY" }));
  for (const n of [1, 2, 3]) {
    await org.send(
      new CreatePolicyCommand({
        Name: `scp-${n}`,
        Description: `policy ${n}`,
        Type: "SERVICE_CONTROL_POLICY",
        Content: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Deny", Action: `iam:CreateGroup`, Resource: "*" }],
        }),
      }),
    );
  }
  const names = [];
  for await (const page of paginateListPolicies({ client: org, pageSize: 3 }, { Filter: "SERVICE_CONTROL_POLICY" })) {
    names.push(...page.Policies.map((p) => p.Name));
  }
  assertEqual(names, ["FullAWSAccess", "scp-1", "scp-2", "scp-3"], "policies");
});

await check("fromTemporaryCredentials into a member account's OrganizationAccountAccessRole; an SCP limits it", async () => {
  const member = members[0];
  const credentials = fromTemporaryCredentials({
    masterCredentials: admin,
    params: { RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: "js-admin" },
    clientConfig: { endpoint: server.endpoint, region: REGION },
  });
  const me = await server.client(STSClient, credentials).send(new GetCallerIdentityCommand({}));
  assertEqual(me.Arn, `arn:aws:sts::${member}:assumed-role/OrganizationAccountAccessRole/js-admin`, "caller");
  const memberIam = server.client(IAMClient, credentials);
  await memberIam.send(new CreateGroupCommand({ GroupName: "before" }));
  const policies = [];
  for await (const page of paginateListPolicies({ client: org }, { Filter: "SERVICE_CONTROL_POLICY" })) {
    policies.push(...page.Policies);
  }
  const scp = policies.find((p) => p.Name === "scp-1");
  await org.send(new AttachPolicyCommand({ PolicyId: scp.Id, TargetId: member }));
  const [code, message, status] = await errorOf(memberIam.send(new CreateGroupCommand({ GroupName: "denied" })));
  assertEqual([code, status], ["AccessDenied", 403], "denied by the SCP");
  assert(message.includes("with an explicit deny in a service control policy"), message);
  await iam.send(new CreateGroupCommand({ GroupName: "management-is-not-limited" }));
  await org.send(new DetachPolicyCommand({ PolicyId: scp.Id, TargetId: member }));
  await memberIam.send(new CreateGroupCommand({ GroupName: "after" }));
});

await finish(server);
