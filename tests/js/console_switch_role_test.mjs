// Switching into a role of another account from the console: two accounts (two sign-ups), a role
// in B trusting A, a user of A allowed sts:AssumeRole signs in, Switch role (account B, role
// name, display name): the menu shows the role and the users are B's; Switch back. A role that
// does not trust A: the AccessDenied message of AssumeRole.
import {
  ARTIFACTS,
  assert,
  assertClean,
  assertEqual,
  ConsoleClient,
  consoleUrl,
  finish,
  heading,
  launch,
  newPage,
  pageCheck,
  PASSWORD,
  shot,
  signInUser,
  startServer,
} from "./browser.mjs";

const server = await startServer();
const a = new ConsoleClient(server);
await a.signup({ email: "a@example.com", accountName: "account-a" });
const b = new ConsoleClient(server);
await b.signup({ email: "b@example.com", accountName: "account-b" });
const A = a.session.accountId;
const B = b.session.accountId;

// A: the user who switches, allowed sts:AssumeRole on B's roles, and a user only A has.
await a.call("CreateUser", { UserName: "switcher" });
await a.call("CreateUser", { UserName: "only-in-a" });
await a.call("AttachUserPolicy", { UserName: "switcher", PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" });
await a.call("PutUserPolicy", {
  UserName: "switcher",
  PolicyName: "switch-to-b",
  PolicyDocument: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: `arn:aws:iam::${B}:role/*` }],
  }),
});
await a.call("CreateLoginProfile", { UserName: "switcher", Password: PASSWORD });
// B: a role trusting A (IAM read-only inside B), one trusting only B itself, a user only B has.
const trust = (account) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" }],
  });
await b.call("CreateRole", { RoleName: "CrossAccountReader", AssumeRolePolicyDocument: trust(A) });
await b.call("AttachRolePolicy", { RoleName: "CrossAccountReader", PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" });
await b.call("CreateRole", { RoleName: "NotForA", AssumeRolePolicyDocument: trust(B) });
await b.call("AttachRolePolicy", { RoleName: "NotForA", PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" });
await b.call("CreateUser", { UserName: "only-in-b" });

const browser = await launch();
const page = await newPage(browser);

async function pageSession() {
  return page.evaluate(async () => (await fetch("/console/api/session")).json());
}

async function openMenu() {
  const button = page.locator("#account-button");
  if ((await button.getAttribute("aria-expanded")) !== "true") await button.click();
}

async function usersShown() {
  await page.goto(consoleUrl(server, "/users"));
  await heading(page, "Users");
  await page.locator("main table").first().waitFor();
  return page.locator("main table").first().innerText();
}

async function switchRole(account, roleName, displayName) {
  await openMenu();
  await page.getByRole("link", { name: "Switch role" }).click();
  await heading(page, /Switch role/i);
  await page.getByLabel(/Account/i).first().fill(account);
  await page.getByLabel(/Role name|IAM role/i).first().fill(roleName);
  await page.getByLabel(/Display name/i).fill(displayName);
  await shot(page, `switch-role-${roleName}`);
  await page.getByRole("button", { name: /^Switch role$/i }).click();
}

await pageCheck("the user of A signs in and sees A's users", page, async () => {
  await page.goto(consoleUrl(server, "/signin", `?account=${A}`));
  await heading(page, /Sign in/);
  await signInUser(page, { userName: "switcher" });
  await heading(page, /Dashboard/);
  const users = await usersShown();
  assert(users.includes("only-in-a") && !users.includes("only-in-b"), users);
  await shot(page, "a-users");
});

await pageCheck("Switch role into B's role: the menu shows the role, the users are B's", page, async () => {
  await switchRole(B, "CrossAccountReader", "B reader");
  await heading(page, /Dashboard/);
  const s = await pageSession();
  const { accountId, roleName, displayName, arn } = s.role ?? {};
  assertEqual([accountId, roleName, displayName, arn], [B, "CrossAccountReader", "B reader", `arn:aws:iam::${B}:role/CrossAccountReader`], "role");
  assertEqual(s.principal.type, "assumed-role", "principal type");
  assert(s.principal.arn.startsWith(`arn:aws:sts::${B}:assumed-role/CrossAccountReader/`), s.principal.arn);
  assertEqual(s.signedInAs.arn, `arn:aws:iam::${A}:user/switcher`, "signedInAs");
  assertEqual(s.accountId, B, "accountId");
  const label = await page.locator("#account-button").innerText();
  assert(label.includes("B reader"), `the menu button reads ${label}`);
  await openMenu();
  await shot(page, "switched-menu");
  const menu = await page.locator("#account-menu").innerText();
  assert(menu.includes(B) && menu.includes("CrossAccountReader"), menu);
  const users = await usersShown();
  assert(users.includes("only-in-b") && !users.includes("only-in-a"), users);
  await shot(page, "b-users-as-role");
  // The dashboard is B's: the sign-in URL it gives for the account's IAM users is B's too.
  await page.goto(consoleUrl(server, "/"));
  await page.getByText(`${server.endpoint}/console/?account=`).first().waitFor();
  const dashboard = await page.locator("main").innerText();
  assert(
    dashboard.includes(`${server.endpoint}/console/?account=${B}`) && !dashboard.includes(`?account=${A}`),
    `B's dashboard gives A's sign-in URL: ${dashboard.slice(dashboard.indexOf("Sign-in URL"))}`,
  );
});

await pageCheck("Switch back: the user of A again, A's users", page, async () => {
  await openMenu();
  await page.getByRole("button", { name: "Switch back" }).click();
  await heading(page, /Dashboard/);
  // The page was on a dashboard already (B's): wait for the switch-back request to have
  // answered, not only for the heading, before asking the session (a race under load).
  let s = await pageSession();
  for (let i = 0; i < 50 && s.role !== null; i++) {
    await page.waitForTimeout(100);
    s = await pageSession();
  }
  assertEqual([s.role, s.principal.arn], [null, `arn:aws:iam::${A}:user/switcher`], "session");
  const users = await usersShown();
  assert(users.includes("only-in-a") && !users.includes("only-in-b"), users);
  await shot(page, "switched-back");
});

await pageCheck("a role that does not trust A: AssumeRole's AccessDenied message, still the user of A", page, async () => {
  await switchRole(B, "NotForA", "not for A");
  const alert = page.getByRole("alert").filter({ hasText: "AccessDenied" });
  await alert.waitFor();
  const message = `User: arn:aws:iam::${A}:user/switcher is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${B}:role/NotForA`;
  assertEqual(await alert.getByText(message, { exact: true }).count(), 1, `AssumeRole's message in: ${await alert.innerText()}`);
  await shot(page, "switch-denied");
  const s = await pageSession();
  assertEqual([s.role, s.principal.arn], [null, `arn:aws:iam::${A}:user/switcher`], "session");
  assertClean(page);
});

await browser.close();
console.log(`screenshots: ${ARTIFACTS}`);
await finish(server);
