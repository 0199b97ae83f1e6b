// The AWS SDK for JavaScript v3 against `iamd serve`: fromTemporaryCredentials chaining (a
// user's keys -> role A -> role B), what role B's session may do, the clients' caching and
// refreshing of temporary credentials, MFA through mfaCodeProvider, and an IAM paginator. Run by
// ctest as js_sts:
//     node tests/js/sts_test.mjs PATH/TO/iamd
import { createHmac } from "node:crypto";

import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetRoleCommand,
  IAMClient,
  ListUsersCommand,
  paginateListUsers,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";

import { assert, assertEqual, check, errorOf, finish, REGION, Server } from "./harness.mjs";

const server = new Server("sts");
await server.start();
const iam = server.client(IAMClient);
const { Account: account } = await server.client(STSClient).send(new GetCallerIdentityCommand({}));
const arn = (kind, name) => `arn:aws:iam::${account}:${kind}/${name}`;
const doc = (...statements) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (action, resource = "*") => ({ Effect: "Allow", Action: action, Resource: resource });
const trusting = (principal) => doc({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" });

// dev (a user) may assume stage-a, whose sessions may assume stage-b: only role A is trusted by
// role B, and only role B may list users.
await iam.send(new CreateUserCommand({ UserName: "dev" }));
await iam.send(
  new PutUserPolicyCommand({ UserName: "dev", PolicyName: "assume", PolicyDocument: doc(allow("sts:AssumeRole")) }),
);
const devKey = (await iam.send(new CreateAccessKeyCommand({ UserName: "dev" }))).AccessKey;
const dev = { accessKeyId: devKey.AccessKeyId, secretAccessKey: devKey.SecretAccessKey };
await iam.send(new CreateRoleCommand({ RoleName: "stage-a", AssumeRolePolicyDocument: trusting(arn("user", "dev")) }));
await iam.send(
  new PutRolePolicyCommand({
    RoleName: "stage-a",
    PolicyName: "next",
    PolicyDocument: doc(allow("sts:AssumeRole", arn("role", "stage-b"))),
  }),
);
await iam.send(new CreateRoleCommand({ RoleName: "stage-b", AssumeRolePolicyDocument: trusting(arn("role", "stage-a")) }));
await iam.send(
  new PutRolePolicyCommand({
    RoleName: "stage-b",
    PolicyName: "read",
    PolicyDocument: doc(allow(["iam:ListUsers", "iam:GetRole"])),
  }),
);
const roleB = (await iam.send(new GetRoleCommand({ RoleName: "stage-b" }))).Role;

const clientConfig = { endpoint: server.endpoint, region: REGION };
const stageA = (master, name = "js-a") =>
  fromTemporaryCredentials({
    masterCredentials: master,
    params: { RoleArn: arn("role", "stage-a"), RoleSessionName: name, DurationSeconds: 900 },
    clientConfig,
  });
const stageB = (master, name = "js-b") =>
  fromTemporaryCredentials({
    masterCredentials: master,
    params: { RoleArn: arn("role", "stage-b"), RoleSessionName: name, DurationSeconds: 900 },
    clientConfig,
  });

// A provider that counts how often a client asks it for credentials (each ask is an AssumeRole).
function counted(provider) {
  const wrapped = async (props) => {
    wrapped.calls += 1;
    return provider(props);
  };
  wrapped.calls = 0;
  return wrapped;
}

await check("fromTemporaryCredentials chaining: user -> role A -> role B, GetCallerIdentity shows role B", async () => {
  const a = stageA(dev);
  const meA = await server.client(STSClient, a).send(new GetCallerIdentityCommand({}));
  assertEqual(meA.Arn, `arn:aws:sts::${account}:assumed-role/stage-a/js-a`, "role A's session");
  const me = await server.client(STSClient, stageB(a)).send(new GetCallerIdentityCommand({}));
  assertEqual(
    [me.Arn, me.UserId, me.Account],
    [`arn:aws:sts::${account}:assumed-role/stage-b/js-b`, `${roleB.RoleId}:js-b`, account],
    "role B's session",
  );
  assert(me.UserId.startsWith("AROA"), me.UserId);
});

await check("role B's session is authorized by role B's policies: ListUsers allowed, CreateUser AccessDenied", async () => {
  const b = server.client(IAMClient, stageB(stageA(dev)));
  const users = (await b.send(new ListUsersCommand({}))).Users.map((u) => u.UserName);
  assert(users.includes("dev"), users);
  const [code, message, status] = await errorOf(b.send(new CreateUserCommand({ UserName: "not-by-b" })));
  assertEqual([code, status], ["AccessDenied", 403], message);
  assert(
    message.startsWith(
      `User: arn:aws:sts::${account}:assumed-role/stage-b/js-b is not authorized to perform: iam:CreateUser on ` +
        `resource: ${arn("user", "not-by-b")}`,
    ),
    message,
  );
  // Role A itself may not list users: what B's session did came from B's policies.
  const [codeA] = await errorOf(server.client(IAMClient, stageA(dev)).send(new ListUsersCommand({})));
  assertEqual(codeA, "AccessDenied", "role A listing users");
});

await check("the chain is the only way in: role B trusts role A, not the user", async () => {
  const [code, message] = await errorOf(server.client(STSClient, stageB(dev)).send(new GetCallerIdentityCommand({})));
  assertEqual(code, "AccessDenied", message);
  assert(message.includes(`${arn("user", "dev")} is not authorized to perform: sts:AssumeRole`), message);
  // Trust moved away from role A: the same chain is refused, and works again when restored.
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "stage-b", PolicyDocument: trusting(arn("user", "dev")) }));
  try {
    const [again] = await errorOf(
      server.client(STSClient, stageB(stageA(dev), "js-b2")).send(new GetCallerIdentityCommand({})),
    );
    assertEqual(again, "AccessDenied", "chain after the trust policy changed");
  } finally {
    await iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: "stage-b", PolicyDocument: trusting(arn("role", "stage-a")) }),
    );
  }
  const me = await server.client(STSClient, stageB(stageA(dev), "js-b3")).send(new GetCallerIdentityCommand({}));
  assertEqual(me.Arn, `arn:aws:sts::${account}:assumed-role/stage-b/js-b3`);
});

await check("clients keep the chain's credentials and assume both roles again when their expiry is near", async () => {
  const a = counted(stageA(dev, "cache-a"));
  const b = counted(stageB(a, "cache-b"));
  const sts = server.client(STSClient, b);
  for (let i = 0; i < 3; i++) await sts.send(new GetCallerIdentityCommand({}));
  assertEqual([a.calls, b.calls], [1, 1], "AssumeRole calls for three requests");
  const first = await sts.config.credentials();
  const left = first.expiration.getTime() - Date.now();
  assert(left > 890_000 && left <= 900_000, `DurationSeconds 900: ${left} ms left`);
  assert(first.accessKeyId.startsWith("ASIA") && first.sessionToken, first.accessKeyId);
  // Eleven minutes later (the SDK's clock moved; the server's has not, and a request signed 11
  // minutes ahead is within SigV4's 15-minute window): 4 minutes left is under the clients'
  // 5-minute refresh margin, so role B is assumed again, with role A's credentials, also renewed.
  // [IMPL] While the clock stays moved, fresh 900-second credentials look near their expiry too
  // and the SDK may ask again within one request: at least one renewal of each is what is checked.
  const realNow = Date.now;
  Date.now = () => realNow() + 660_000;
  let me;
  try {
    me = await sts.send(new GetCallerIdentityCommand({}));
  } finally {
    Date.now = realNow;
  }
  assert(a.calls >= 2 && b.calls >= 2, `AssumeRole calls after the expiry came near: A ${a.calls}, B ${b.calls}`);
  assertEqual(me.Arn, `arn:aws:sts::${account}:assumed-role/stage-b/cache-b`);
  const second = await sts.config.credentials();
  assert(second.accessKeyId !== first.accessKeyId && second.accessKeyId.startsWith("ASIA"), second.accessKeyId);
  assert(second.expiration.getTime() >= first.expiration.getTime(), "the new credentials expire no sooner");
  // Back on time, the renewed credentials are kept again.
  const renewed = [a.calls, b.calls];
  for (let i = 0; i < 3; i++) await sts.send(new GetCallerIdentityCommand({}));
  assertEqual([a.calls, b.calls], renewed, "AssumeRole calls once renewed");
  assertEqual((await sts.config.credentials()).accessKeyId, second.accessKeyId, "the credentials kept");
  // The first session's credentials still work until their own expiry.
  const old = await server.client(STSClient, first).send(new GetCallerIdentityCommand({}));
  assertEqual(old.Arn, me.Arn);
});

// RFC 6238 codes of a virtual MFA device (SHA-1, 30-second steps, 6 digits) from its Base32 seed.
function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "")) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
function totp(seed, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", seed).update(counter).digest();
  const offset = mac[19] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
}
const nowStep = () => Math.floor(Date.now() / 1000 / 30);

await check("fromTemporaryCredentials with SerialNumber asks its mfaCodeProvider; the trust policy needs MFA", async () => {
  await iam.send(
    new CreateRoleCommand({
      RoleName: "mfa-only",
      AssumeRolePolicyDocument: doc({
        Effect: "Allow",
        Principal: { AWS: arn("user", "dev") },
        Action: "sts:AssumeRole",
        Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
      }),
    }),
  );
  const device = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: "dev-phone" })))
    .VirtualMFADevice;
  const seed = base32Decode(Buffer.from(device.Base32StringSeed).toString("ascii"));
  const step = nowStep();
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: "dev",
      SerialNumber: device.SerialNumber,
      AuthenticationCode1: totp(seed, step - 1),
      AuthenticationCode2: totp(seed, step),
    }),
  );
  const params = { RoleArn: arn("role", "mfa-only"), RoleSessionName: "js-mfa", DurationSeconds: 900 };
  const [code, message] = await errorOf(
    server
      .client(STSClient, fromTemporaryCredentials({ masterCredentials: dev, params, clientConfig }))
      .send(new GetCallerIdentityCommand({})),
  );
  assertEqual(code, "AccessDenied", message); // no MFA: the trust policy's condition fails
  const asked = [];
  const withMfa = fromTemporaryCredentials({
    masterCredentials: dev,
    params: { ...params, SerialNumber: device.SerialNumber },
    clientConfig,
    mfaCodeProvider: async (serial) => {
      asked.push(serial);
      return totp(seed, step + 1); // the codes of the steps that enabled the device count no more
    },
  });
  const me = await server.client(STSClient, withMfa).send(new GetCallerIdentityCommand({}));
  assertEqual(me.Arn, `arn:aws:sts::${account}:assumed-role/mfa-only/js-mfa`);
  assertEqual(asked, [device.SerialNumber], "codes asked for");
});

await check("paginateListUsers with PageSize 10 walks 25 users in three pages", async () => {
  const names = Array.from({ length: 25 }, (_, i) => `pager-${String(i).padStart(2, "0")}`);
  for (const name of names) await iam.send(new CreateUserCommand({ UserName: name, Path: "/js-pager/" }));
  const pages = [];
  for await (const page of paginateListUsers({ client: iam, pageSize: 10 }, { PathPrefix: "/js-pager/" })) {
    pages.push(page);
  }
  assertEqual(
    pages.map((p) => [p.Users.length, p.IsTruncated, p.Marker !== undefined]),
    [
      [10, true, true],
      [10, true, true],
      [5, false, false],
    ],
    "pages",
  );
  assertEqual(
    pages.flatMap((p) => p.Users.map((u) => u.UserName)),
    names,
    "users in order",
  );
  // Role B's session pages the same way (its ListUsers is allowed).
  const asB = server.client(IAMClient, stageB(stageA(dev), "pager"));
  let seen = 0;
  for await (const page of paginateListUsers({ client: asB, pageSize: 7 }, { PathPrefix: "/js-pager/" })) {
    seen += page.Users.length;
  }
  assertEqual(seen, 25, "users seen by role B");
});

await finish(server);
