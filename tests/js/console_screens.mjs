// The screenshots of docs/console.md (docs/console/*.png, 1280x800), taken by hand when the pages
// change: node tests/js/console_screens.mjs build-release/src/cli/iamd
// (not a test: ctest runs only *_test.mjs). A fresh server with sign-up allowed, an account with
// a few users, a group, a role and a policy, then the main pages as a newcomer meets them.
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { ConsoleClient, consoleUrl, heading, launch, newPage, PASSWORD, signUpInBrowser, startServer } from "./browser.mjs";

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), "../../docs/console");
mkdirSync(OUT, { recursive: true });

const server = await startServer("console_screens");
const browser = await launch();
const page = await newPage(browser, { width: 1280, height: 800 });
const save = async (name) => {
  await page.waitForTimeout(200); // the last fetches drawn
  await page.evaluate(() => document.activeElement?.blur()); // no focus ring on the heading
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`docs/console/${name}.png`);
};

try {
  await page.goto(consoleUrl(server, "/signin"));
  await heading(page, /Sign in/);
  await save("signin");

  await signUpInBrowser(page, server, { email: "admin@example.com", accountName: "example" });
  const api = new ConsoleClient(server);
  await api.signinRoot({ email: "admin@example.com" });
  await api.call("CreateAccountAlias", { AccountAlias: "example-corp" });
  await api.call("CreateGroup", { GroupName: "Developers" });
  await api.call("AttachGroupPolicy", { GroupName: "Developers", PolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" });
  for (const name of ["alice", "bob", "carol"]) {
    await api.call("CreateUser", { UserName: name, "Tags.member.1.Key": "team", "Tags.member.1.Value": "platform" });
    if (name !== "carol") await api.call("AddUserToGroup", { GroupName: "Developers", UserName: name });
  }
  await api.call("AttachUserPolicy", { UserName: "carol", PolicyArn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess" });
  await api.call("CreateLoginProfile", { UserName: "carol", Password: PASSWORD });
  await api.call("CreateAccessKey", { UserName: "alice" });
  await page.reload();
  await heading(page, /Dashboard/);
  await save("dashboard");

  await page.goto(consoleUrl(server, "/users"));
  await heading(page, "Users");
  await page.getByRole("link", { name: "carol", exact: true }).waitFor();
  await save("users");

  await page.goto(consoleUrl(server, "/users/create"));
  await page.getByLabel("User name", { exact: true }).fill("dave");
  await page.getByLabel("Provide user access to the AWS Management Console").check();
  await save("create-user");

  await page.goto(consoleUrl(server, "/users/alice", "") + "?tab=security_credentials");
  await heading(page, "alice");
  await page.getByRole("button", { name: "Create access key" }).first().click();
  await page.getByRole("radio", { name: /Command Line Interface \(CLI\)/ }).check();
  await page.getByRole("checkbox", { name: /I understand/ }).check();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByLabel("Description tag value").fill("laptop CLI");
  await page.getByRole("button", { name: "Create access key", exact: true }).last().click();
  await page.getByRole("button", { name: "Show", exact: true }).waitFor();
  await page.getByRole("button", { name: "Download .csv file" }).scrollIntoViewIfNeeded();
  await save("access-key");

  await page.goto(consoleUrl(server, "/policies/create"));
  const editor = page.getByLabel("Policy editor").first();
  await editor.fill('{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "s3 x:GetObject",\n    "Resource": "*"\n  }]\n}');
  await page.getByRole("list", { name: "Policy errors" }).getByRole("listitem").first().waitFor();
  await save("policy-editor");

  // carol (IAMReadOnlyAccess) tries to create a user, and asks why she may not.
  await page.evaluate(async () => {
    const s = await (await fetch("/console/api/session")).json();
    await fetch("/console/api/signout", { method: "POST", headers: { "X-CSRF-Token": s.csrfToken, "Content-Type": "application/json" }, body: "{}" });
  });
  await page.goto(`${server.endpoint}/console/?account=example-corp#/signin`);
  await heading(page, /Sign in/);
  await page.getByLabel(/user name/i).fill("carol");
  await page.getByLabel(/^password$/i).fill(PASSWORD);
  await page.getByRole("button", { name: /^sign in$/i }).click();
  await heading(page, /Dashboard/);
  await page.goto(consoleUrl(server, "/users/create"));
  await page.getByLabel("User name", { exact: true }).fill("mallory");
  for (let i = 0; i < 4; i++) {
    if (await page.getByRole("button", { name: "Create user", exact: true }).isVisible()) break;
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  await page.getByRole("button", { name: "Create user", exact: true }).click();
  const alert = page.getByRole("alert").filter({ hasText: "AccessDenied" });
  await alert.getByRole("button", { name: "Why was this denied?" }).click();
  await alert.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 60));
  await save("access-denied");
} finally {
  await browser.close();
  await server.stop();
}
