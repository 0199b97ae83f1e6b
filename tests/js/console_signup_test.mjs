// The path every guide walks a newcomer through, in a real browser: sign up, the dashboard,
// Users, Create user (console password with a reset, AdministratorAccess attached directly, a
// tag), the user's Security credentials, Create access key (the CLI use case), Show the secret,
// Download .csv file, then the real aws CLI with those keys lists the users; the secret is gone
// once the page is left. The same through a group, and the menu at a phone's width.
import { readFileSync } from "node:fs";

import {
  ARTIFACTS,
  assert,
  assertClean,
  assertEqual,
  awsCli,
  consoleUrl,
  escapeRe,
  finish,
  heading,
  launch,
  newPage,
  pageCheck,
  PASSWORD,
  shot,
  signUpInBrowser,
  startServer,
  xmlAll,
  xmlText,
} from "./browser.mjs";

const server = await startServer();
const browser = await launch();
const page = await newPage(browser);
const email = "newcomer@example.com";
const accountName = "newcomer";
let session = null;

// The console's session as the page sees it (the page's own cookie).
async function pageSession() {
  return page.evaluate(async () => (await fetch("/console/api/session")).json());
}

// One IAM operation as the page's principal, through the console's endpoint: the XML.
async function pageCall(action, params = {}) {
  return page.evaluate(
    async ([action, params]) => {
      const s = await (await fetch("/console/api/session")).json();
      const body = new URLSearchParams({ Action: action, Version: "2010-05-08", ...params });
      const r = await fetch("/console/api/call", { method: "POST", headers: { "X-CSRF-Token": s.csrfToken }, body });
      return { status: r.status, text: await r.text() };
    },
    [action, params],
  );
}

async function navTo(label, title = label) {
  await page.getByRole("navigation", { name: "Identity and Access Management (IAM)" }).getByRole("link", { name: label, exact: true }).click();
  await heading(page, new RegExp(`^\\s*${escapeRe(title)}`));
}

// The Create user wizard: name, console access with a custom password and must-reset, the
// permissions step (`permissions(page)` picks the option), a tag, Review and create.
async function createUser(name, permissions, tag) {
  await navTo("Users");
  await page.getByRole("link", { name: "Create user" }).or(page.getByRole("button", { name: "Create user" })).first().click();
  await page.getByLabel("User name", { exact: true }).fill(name);
  await page.getByLabel("Provide user access to the AWS Management Console").check();
  await page.getByRole("radio", { name: /Custom password/ }).check();
  await page.getByLabel(/^(Custom )?password$/i).and(page.locator("input:not([type=radio])")).first().fill(PASSWORD);
  await page.getByLabel(/Users must create a new password at next sign-in/).check();
  await shot(page, `create-${name}-details`);
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByText("Set permissions").first().waitFor();
  await permissions();
  await shot(page, `create-${name}-permissions`);
  await page.getByRole("button", { name: "Next", exact: true }).click();
  if (tag) {
    const add = page.getByRole("button", { name: /Add (new )?tag/ });
    if (!(await add.isVisible())) await page.getByRole("button", { name: "Next", exact: true }).click();
    await add.click();
    await page.getByLabel(/^Key$/).last().fill(tag.key);
    await page.getByLabel(/^Value/).last().fill(tag.value);
  }
  await page.getByRole("heading", { name: /Review and create/ }).first().waitFor();
  await shot(page, `create-${name}-review`);
  await page.getByRole("button", { name: "Create user", exact: true }).click();
  // With console access AWS shows the password's page first (the password once), then the user.
  await heading(page, "Retrieve password");
  await shot(page, `create-${name}-retrieve-password`);
  await page.getByRole("button", { name: "View user" }).or(page.getByRole("link", { name: "View user" })).first().click();
  await heading(page, name);
}

// The user's Security credentials tab -> Create access key (CLI) -> the keys, shown once.
// Returns {accessKeyId, secretAccessKey, csv}.
async function createAccessKey(name) {
  await page.goto(consoleUrl(server, `/users/${name}`, ""));
  await heading(page, name);
  await page.getByRole("tab", { name: "Security credentials" }).click();
  await shot(page, `${name}-security-credentials`);
  await page.getByRole("button", { name: "Create access key" }).first().click();
  await page.getByRole("radio", { name: /Command Line Interface \(CLI\)/ }).check();
  await page.getByRole("checkbox", { name: /I understand/ }).check();
  await shot(page, `${name}-access-key-use-case`);
  await page.getByRole("button", { name: "Next", exact: true }).click();
  const description = page.getByLabel("Description tag value");
  await description.fill(`${name} laptop CLI`);
  await shot(page, `${name}-access-key-description`);
  await page.getByRole("button", { name: "Create access key", exact: true }).last().click();
  await page.getByRole("button", { name: "Show", exact: true }).waitFor();
  const body = await page.locator("main").innerText();
  const accessKeyId = /\b(AKIA[A-Z0-9]{16})\b/.exec(body)?.[1];
  assert(accessKeyId, `no access key id on the page: ${body}`);
  await shot(page, `${name}-access-key-hidden`);
  const alerts = page.locator("main .alert-error");
  assertEqual(await alerts.count(), 0, `error alerts beside the new key: ${await alerts.allInnerTexts()}`);
  await page.getByRole("button", { name: "Show", exact: true }).click();
  await page.getByRole("button", { name: "Hide", exact: true }).waitFor();
  const shown = await page.locator("main").innerText();
  // 40 characters of base64's alphabet, alone between blanks (it may begin or end with / or +).
  const secretAccessKey = /(?:^|\s)([A-Za-z0-9/+]{40})(?=\s|$)/m.exec(shown.replace(accessKeyId, ""))?.[1];
  assert(secretAccessKey, `Show revealed no 40-character secret: ${shown}`);
  assert(!body.includes(secretAccessKey), "the secret was on the page before Show");
  await shot(page, `${name}-access-key-shown`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download .csv file" }).click(),
  ]);
  assert(/\.csv$/.test(download.suggestedFilename()), download.suggestedFilename());
  const csv = readFileSync(await download.path(), "utf8");
  // [AWS] the description is a tag of the user: the key's id -> the description.
  const tags = await pageCall("ListUserTags", { UserName: name });
  const at = xmlAll(tags.text, "Key").indexOf(accessKeyId);
  assert(at >= 0 && xmlAll(tags.text, "Value")[at] === `${name} laptop CLI`, `the description tag: ${tags.text}`);
  return { accessKeyId, secretAccessKey, csv };
}

await pageCheck("sign-up (email, password, account name) leads to the dashboard of the new account", page, async () => {
  await signUpInBrowser(page, server, { email, accountName });
  session = await pageSession();
  assert(session.signedIn && session.principal.type === "root", JSON.stringify(session));
  const main = await page.locator("main").innerText();
  assert(main.includes(session.accountId), `the dashboard does not show the account id ${session.accountId}`);
  assert(main.includes(session.signInUrl), `the dashboard does not show the sign-in URL ${session.signInUrl}`);
  await shot(page, "dashboard");
});

let alice = null;
await pageCheck("Create user: console password (custom, must reset), AdministratorAccess attached directly, a tag", page, async () => {
  await createUser(
    "alice",
    async () => {
      await page.getByRole("radio", { name: "Attach policies directly" }).check();
      await page.getByRole("searchbox", { name: /Find|Search|Filter/ }).last().fill("AdministratorAccess");
      await page.getByRole("checkbox", { name: /^Select AdministratorAccess$/ }).check();
    },
    { key: "team", value: "platform" },
  );
  await shot(page, "alice-created");
  // What the wizard made, as IAM answers it.
  const profile = await pageCall("GetLoginProfile", { UserName: "alice" });
  assertEqual(xmlText(profile.text, "PasswordResetRequired"), "true", "PasswordResetRequired");
  const attached = await pageCall("ListAttachedUserPolicies", { UserName: "alice" });
  // [AWS] the console also attaches IAMUserChangePassword to a user who must reset the password.
  const arns = xmlAll(attached.text, "PolicyArn");
  assert(arns.includes("arn:aws:iam::aws:policy/AdministratorAccess"), `attached: ${arns}`);
  const tags = await pageCall("ListUserTags", { UserName: "alice" });
  assertEqual([xmlAll(tags.text, "Key"), xmlAll(tags.text, "Value")], [["team"], ["platform"]], "tags");
});

await pageCheck("the user's page: Security credentials -> Create access key (CLI) -> Show, Download .csv file", page, async () => {
  alice = await createAccessKey("alice");
  assertEqual(alice.csv.trim().split(/\r?\n/), ["Access key ID,Secret access key", `${alice.accessKeyId},${alice.secretAccessKey}`], "the .csv file");
});

await pageCheck("the real aws CLI with the downloaded keys lists the users", page, async () => {
  const out = await awsCli(server, alice, "iam", "list-users");
  assertEqual(out.Users.map((u) => u.UserName), ["alice"], "users");
  const me = await awsCli(server, alice, "sts", "get-caller-identity");
  assertEqual(me.Arn, `arn:aws:iam::${session.accountId}:user/alice`, "caller");
});

await pageCheck("the secret appears nowhere once the page is left: the user's page again, ListAccessKeys", page, async () => {
  await page.getByRole("button", { name: "Done" }).click().catch(() => {});
  await page.goto(consoleUrl(server, "/users/alice", ""));
  await page.reload();
  await heading(page, "alice");
  await page.getByRole("tab", { name: "Security credentials" }).click();
  await page.getByText(alice.accessKeyId).first().waitFor();
  await shot(page, "alice-security-credentials-after");
  assert(!(await page.content()).includes(alice.secretAccessKey), "the secret is on the user's page");
  assert(!(await page.evaluate(() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage))).includes(alice.secretAccessKey), "the secret is in the browser's storage");
  const keys = await pageCall("ListAccessKeys", { UserName: "alice" });
  assert(keys.text.includes(alice.accessKeyId) && !keys.text.includes(alice.secretAccessKey), keys.text);
  const user = await pageCall("GetUser", { UserName: "alice" });
  assert(!user.text.includes(alice.secretAccessKey), "GetUser");
  assert(!server.output.join("\n").includes(alice.secretAccessKey), "the secret is in the server's output");
});

let bob = null;
await pageCheck("the same through a group: Create user group with AdministratorAccess, Add user to group", page, async () => {
  await navTo("User groups");
  await page.getByRole("link", { name: "Create group" }).or(page.getByRole("button", { name: "Create group" })).first().click();
  await page.getByLabel(/User group name|Group name/).fill("Admins");
  await page.getByRole("searchbox", { name: /Find|Search|Filter/ }).last().fill("AdministratorAccess");
  await page.getByRole("checkbox", { name: /^Select AdministratorAccess$/ }).check();
  await shot(page, "create-group");
  await page.getByRole("button", { name: /^Create (user )?group$/ }).click();
  await heading(page, /Admins/);
  await createUser("bob", async () => {
    await page.getByRole("radio", { name: "Add user to group" }).check();
    await page.getByRole("checkbox", { name: /^Select Admins$/ }).check();
  });
  const groups = await pageCall("ListGroupsForUser", { UserName: "bob" });
  assertEqual(xmlAll(groups.text, "GroupName"), ["Admins"], "bob's groups");
  const direct = await pageCall("ListAttachedUserPolicies", { UserName: "bob" });
  const own = xmlAll(direct.text, "PolicyArn");
  assert(!own.includes("arn:aws:iam::aws:policy/AdministratorAccess"), `bob's own policies: ${own}`);
  bob = await createAccessKey("bob");
  const out = await awsCli(server, bob, "iam", "list-users");
  assertEqual(out.Users.map((u) => u.UserName).sort(), ["alice", "bob"], "users listed with bob's keys");
});

await pageCheck("at 390 px wide the Menu button opens the navigation", page, async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(consoleUrl(server, "/users"));
  await heading(page, "Users");
  const nav = page.getByRole("navigation", { name: "Identity and Access Management (IAM)" });
  const users = nav.getByRole("link", { name: "Roles", exact: true });
  assert(!(await users.isVisible()), "the navigation is open at 390 px before Menu");
  await shot(page, "phone-users");
  const menu = page.getByRole("button", { name: "Menu" });
  await menu.click();
  await users.waitFor({ state: "visible" });
  assertEqual(await menu.getAttribute("aria-expanded"), "true", "aria-expanded");
  await shot(page, "phone-menu-open");
  // Escape closes it again (keyboard use), Menu opens it.
  await page.keyboard.press("Escape");
  await users.waitFor({ state: "hidden" });
  assertEqual(await menu.getAttribute("aria-expanded"), "false", "aria-expanded after Escape");
  await menu.click();
  await users.waitFor({ state: "visible" });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 390, `the page is ${width} px wide at 390`);
  await users.click();
  await heading(page, "Roles");
  assertClean(page);
});

await browser.close();
console.log(`screenshots: ${ARTIFACTS}`);
await finish(server);
