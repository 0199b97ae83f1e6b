// An IAM user who may look but not change: IAMReadOnlyAccess and a console password, signed in
// through the IAM user form of the account's sign-in URL; its Create user is refused with IAM's
// AccessDenied message, and "Why was this denied?" explains it. Also a user whose password must
// be reset first, and a user with a virtual MFA device (the code computed here from the seed).
import {
  ARTIFACTS,
  assert,
  assertClean,
  assertEqual,
  base32Decode,
  ConsoleClient,
  consoleUrl,
  endSession,
  explanationOf,
  finish,
  heading,
  launch,
  newPage,
  nowStep,
  pageCheck,
  PASSWORD,
  shot,
  signOut,
  startServer,
  totp,
  xmlAll,
  xmlText,
} from "./browser.mjs";

const server = await startServer();
const email = "owner@example.com";
const root = new ConsoleClient(server);
await root.signup({ email, accountName: "readers" });
const ACCOUNT = root.session.accountId;

// Users made by the root through the console's endpoint (the API the pages use).
async function makeUser(name, policies, { reset = false } = {}) {
  await root.call("CreateUser", { UserName: name });
  for (const p of policies) await root.call("AttachUserPolicy", { UserName: name, PolicyArn: `arn:aws:iam::aws:policy/${p}` });
  await root.call("CreateLoginProfile", { UserName: name, Password: PASSWORD, PasswordResetRequired: String(reset) });
}
await makeUser("reader", ["IAMReadOnlyAccess"]);
await makeUser("resetter", ["IAMReadOnlyAccess", "IAMUserChangePassword"], { reset: true });
await makeUser("mfa-user", ["IAMReadOnlyAccess"]);
const device = await root.call("CreateVirtualMFADevice", { VirtualMFADeviceName: "mfa-user" });
const serial = xmlText(device, "SerialNumber");
// Base32StringSeed is a blob: base64 of the base32 text, in the XML.
const seed = base32Decode(Buffer.from(xmlText(device, "Base32StringSeed"), "base64").toString("ascii"));
const enableStep = nowStep();
await root.call("EnableMFADevice", {
  UserName: "mfa-user",
  SerialNumber: serial,
  AuthenticationCode1: totp(seed, enableStep - 1),
  AuthenticationCode2: totp(seed, enableStep),
});

const browser = await launch();
const page = await newPage(browser);

async function pageSession() {
  return page.evaluate(async () => (await fetch("/console/api/session")).json());
}

let signInUrl = "";
await pageCheck("the root signs in with email and password; the dashboard gives the IAM users' sign-in URL", page, async () => {
  await page.goto(consoleUrl(server, "/signin"));
  await heading(page, /Sign in/);
  await shot(page, "signin");
  const rootRadio = page.getByRole("radio", { name: /Root user/i });
  if ((await rootRadio.count()) > 0) await rootRadio.check();
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/^password$/i).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await heading(page, /Dashboard/);
  signInUrl = `${server.endpoint}/console/?account=${ACCOUNT}`;
  assert((await page.locator("main").innerText()).includes(signInUrl), `the dashboard lacks ${signInUrl}`);
  await shot(page, "root-dashboard");
  await signOut(page);
  await heading(page, /Sign in/);
  assertEqual((await pageSession()).signedIn, false, "signed in after Sign out");
});

await pageCheck("the sign-in URL pre-fills the account; the read-only user signs in and sees the users", page, async () => {
  await page.goto(signInUrl);
  await heading(page, /Sign in/);
  const account = page.getByLabel(/Account ID/i).first();
  assertEqual(await account.inputValue(), ACCOUNT, "the pre-filled account");
  await shot(page, "signin-iam-user");
  await page.getByLabel(/user name/i).fill("reader");
  await page.getByLabel(/^password$/i).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await heading(page, /Dashboard/);
  const s = await pageSession();
  assertEqual([s.principal.type, s.principal.arn], ["user", `arn:aws:iam::${ACCOUNT}:user/reader`], "principal");
  await page.goto(consoleUrl(server, "/users"));
  await heading(page, "Users");
  for (const name of ["reader", "resetter", "mfa-user"]) await page.getByRole("link", { name, exact: true }).waitFor();
  await shot(page, "reader-users");
});

await pageCheck("Create user as the read-only user: IAM's AccessDenied message, and 'Why was this denied?'", page, async () => {
  await page.getByRole("link", { name: "Create user" }).or(page.getByRole("button", { name: "Create user" })).first().click();
  await page.getByLabel("User name", { exact: true }).fill("intruder");
  for (let i = 0; i < 4; i++) {
    const create = page.getByRole("button", { name: "Create user", exact: true });
    if (await create.isVisible()) break;
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  await page.getByRole("button", { name: "Create user", exact: true }).click();
  const alert = page.getByRole("alert").filter({ hasText: "AccessDenied" });
  await alert.waitFor();
  const message =
    `User: arn:aws:iam::${ACCOUNT}:user/reader is not authorized to perform: iam:CreateUser on resource: ` +
    `arn:aws:iam::${ACCOUNT}:user/intruder because no identity-based policy allows the iam:CreateUser action`;
  // Exactly IAM's message: a paragraph of the alert reads it whole, nothing added.
  assertEqual(await alert.getByText(message, { exact: true }).count(), 1, `IAM's message in: ${await alert.innerText()}`);
  await shot(page, "reader-access-denied");
  await alert.getByRole("button", { name: "Why was this denied?" }).click();
  const text = await alert.innerText();
  assert(/implicitDeny|implicit(ly)? den(y|ied)/i.test(text), `no implicit deny in: ${text}`);
  assert(/Evaluated policy types\s*identity-based/.test(text), `no identity-based policy type in: ${text}`);
  assert(/Blocked by\s*identity-based/.test(text), `not blocked by the identity-based policies: ${text}`);
  await shot(page, "reader-why-denied");
  // What the page showed is the server's explanation of that decision.
  const { status, explanation } = await explanationOf(page, "CreateUser", { UserName: "intruder" });
  assertEqual(status, 403, "status");
  assertEqual([explanation?.allowed, explanation?.explicitDeny], [false, false], "allowed, explicitDeny");
  assertEqual(explanation.iamd.decision, "implicitDeny", "decision");
  assertEqual(explanation.iamd.blockedBy, "identity-based", "blockedBy");
  assert(explanation.iamd.evaluatedPolicyTypes.includes("identity-based"), explanation.iamd.evaluatedPolicyTypes);
  assertEqual(explanation.context.action, "iam:CreateUser", "action");
  assertEqual(xmlAll(await root.call("ListUsers"), "UserName").includes("intruder"), false, "intruder exists");
  assertClean(page);
  await signOut(page);
  await heading(page, /Sign in/);
});

await pageCheck("a user whose password must be reset is sent to change it first", page, async () => {
  await endSession(page);
  await page.goto(signInUrl);
  await heading(page, /Sign in/);
  await page.getByLabel(/user name/i).fill("resetter");
  await page.getByLabel(/^password$/i).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await heading(page, /Change password/);
  await shot(page, "resetter-change-password");
  // Nothing else is open to it meanwhile.
  const blocked = await page.evaluate(async () => {
    const s = await (await fetch("/console/api/session")).json();
    const body = new URLSearchParams({ Action: "ListUsers", Version: "2010-05-08" });
    const r = await fetch("/console/api/call", { method: "POST", headers: { "X-CSRF-Token": s.csrfToken }, body });
    return [s.passwordResetRequired, r.status, await r.text()];
  });
  assertEqual(blocked.slice(0, 2), [true, 403], `ListUsers before the change: ${blocked[2]}`);
  assert(blocked[2].includes("PasswordResetRequired"), blocked[2]);
  await page.goto(consoleUrl(server, "/users"));
  await heading(page, /Change password/);
  const newPassword = "Brand-New-Pass-42!";
  await page.getByLabel(/^(Old|Current) password$/i).fill(PASSWORD);
  await page.getByLabel(/^New password$/i).fill(newPassword);
  const confirm = page.getByLabel(/^(Confirm|Retype) (new )?password$/i);
  if ((await confirm.count()) > 0) await confirm.fill(newPassword);
  await page.getByRole("button", { name: /Change password|Confirm password change/ }).click();
  await heading(page, /Dashboard/);
  assertEqual((await pageSession()).passwordResetRequired, false, "passwordResetRequired");
  await shot(page, "resetter-dashboard");
  const again = new ConsoleClient(server);
  await again.signinUser({ account: ACCOUNT, userName: "resetter", password: newPassword });
  assertEqual(again.session.passwordResetRequired, false, "the new password's session");
  const old = await again.postJson("/console/api/signin", { type: "user", account: ACCOUNT, userName: "resetter", password: PASSWORD });
  assertEqual(old.status, 401, "the old password");
  await signOut(page);
  await heading(page, /Sign in/);
});

await pageCheck("a user with a virtual MFA device is asked for the code", page, async () => {
  await endSession(page);
  await page.goto(signInUrl);
  await heading(page, /Sign in/);
  await page.getByLabel(/user name/i).fill("mfa-user");
  await page.getByLabel(/^password$/i).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  const code = page.getByLabel(/MFA code/i);
  await code.waitFor();
  await shot(page, "mfa-code");
  // A wrong code first: refused, still asked.
  await code.fill(totp(seed, enableStep + 40));
  await page.getByRole("button", { name: /^(sign in|submit|verify)$/i }).click();
  await page.getByRole("alert").filter({ hasText: /MFA|code/i }).waitFor();
  assertEqual((await pageSession()).signedIn, false, "signed in with a wrong code");
  // The next code not used yet (EnableMFADevice used the codes up to enableStep).
  await code.fill(totp(seed, Math.max(nowStep(), enableStep + 1)));
  await page.getByRole("button", { name: /^(sign in|submit|verify)$/i }).click();
  await heading(page, /Dashboard/);
  const s = await pageSession();
  assertEqual([s.principal.userName, s.mfa], ["mfa-user", true], "session");
  await shot(page, "mfa-user-dashboard");
  assertClean(page);
});

await browser.close();
console.log(`screenshots: ${ARTIFACTS}`);
await finish(server);
