// The policy editor: Policies -> Create policy -> JSON with an error (a missing comma on line 4,
// then an unknown Effect on line 4, then an Action with a bad vendor on line 5): the engine's
// message is shown with that line marked, and nothing is created; a valid document creates the
// policy; editing it makes a new default version, listed on the Versions tab.
import {
  ARTIFACTS,
  assert,
  assertClean,
  assertEqual,
  consoleUrl,
  finish,
  heading,
  launch,
  newPage,
  pageCheck,
  shot,
  signUpInBrowser,
  startServer,
  xmlAll,
  xmlText,
} from "./browser.mjs";

const server = await startServer();
const browser = await launch();
const page = await newPage(browser);

async function pageCall(action, params = {}) {
  return page.evaluate(
    async ([action, params]) => {
      const s = await (await fetch("/console/api/session")).json();
      const body = new URLSearchParams({ Action: action, Version: "2010-05-08", ...params });
      const r = await fetch("/console/api/call", { method: "POST", headers: { "X-CSRF-Token": s.csrfToken }, body });
      return r.text();
    },
    [action, params],
  );
}

// Line 4 holds the Sid and the Effect (the missing comma is between them), line 5 the Action.
const doc = (effect, action, comma = ",") =>
  `{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Sid": "Read"${comma} "Effect": "${effect}",\n    "Action": "${action}",\n    "Resource": "*"\n  }]\n}`;

const editor = () => page.getByLabel("Policy editor").first();
const errors = () => page.getByRole("list", { name: "Policy errors" });

// Types `text` into the editor (after a valid document, so that no earlier answer is taken for
// this one) and waits for the engine's answer: an error at `line` whose message matches
// `message`; that line is marked in the gutter, and only that one.
async function expectError(name, text, line, message) {
  await editor().fill(doc("Allow", "s3:GetObject"));
  await page.getByText("No errors.").waitFor();
  await editor().fill(text);
  await page.waitForFunction(
    ([line, source]) =>
      [...document.querySelectorAll(`.pe-errors li[data-line="${line}"]`)].some((li) => new RegExp(source).test(li.textContent)),
    [line, message.source],
  );
  const item = errors().getByRole("listitem").first();
  const shown = await item.innerText();
  assert(shown.startsWith(`Ln ${line},`), `the error is not placed on line ${line}: ${shown}`);
  assert(message.test(shown), `the message: ${shown}`);
  assertEqual(await errors().getByRole("listitem").count(), 1, "errors listed");
  assertEqual(await editor().getAttribute("aria-invalid"), "true", "aria-invalid");
  const marked = await page.locator(".pe-gutter .pe-line-error").evaluateAll((els) => els.map((e) => e.dataset.line));
  assertEqual(marked, [String(line)], "the marked lines");
  await shot(page, `editor-${name}`);
}

let account = "";
await pageCheck("Policies -> Create policy opens the JSON policy editor", page, async () => {
  await signUpInBrowser(page, server, { email: "editor@example.com", accountName: "editor" });
  account = await page.evaluate(async () => (await (await fetch("/console/api/session")).json()).accountId);
  await page.goto(consoleUrl(server, "/policies"));
  await heading(page, "Policies");
  await shot(page, "policies");
  await page.getByRole("link", { name: "Create policy" }).or(page.getByRole("button", { name: "Create policy" })).first().click();
  await heading(page, /Create policy|Specify permissions/);
  const json = page.getByRole("tab", { name: "JSON" }).or(page.getByRole("button", { name: "JSON" })).or(page.getByRole("radio", { name: "JSON" }));
  if ((await json.count()) > 0) await json.first().click();
  await editor().waitFor();
  await shot(page, "create-policy");
});

await pageCheck("a missing comma on line 4: the JSON error at line 4, marked", page, async () => {
  await expectError("missing-comma", doc("Allow", "s3:GetObject", ""), 4, /Syntax errors in policy/);
});

await pageCheck("an unknown Effect on line 4: the engine's message at line 4, marked", page, async () => {
  await expectError("unknown-effect", doc("Permit", "s3:GetObject"), 4, /Syntax errors in policy/);
});

await pageCheck("an Action with a bad vendor on line 5: 'Vendor s3 x is not valid' at line 5, marked", page, async () => {
  await expectError("bad-vendor", doc("Allow", "s3 x:GetObject"), 5, /Vendor s3 x is not valid/);
});

await pageCheck("an invalid document cannot be created: Next keeps the editor and its message", page, async () => {
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await editor().waitFor();
  assert(await errors().getByText(/Vendor s3 x is not valid/).isVisible(), "the message went away");
  assertEqual(xmlAll(await pageCall("ListPolicies", { Scope: "Local" }), "PolicyName"), [], "customer managed policies");
});

const arn = () => `arn:aws:iam::${account}:policy/ReadObjects`;
await pageCheck("a valid document: no errors; named and created", page, async () => {
  await editor().fill(doc("Allow", "s3:GetObject"));
  await page.getByText("No errors.").waitFor();
  assertEqual(await page.locator(".pe-gutter .pe-line-error").count(), 0, "marked lines");
  await shot(page, "editor-valid");
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByLabel("Policy name").fill("ReadObjects");
  const description = page.getByLabel(/Description/);
  if ((await description.count()) > 0) await description.first().fill("Reads S3 objects");
  await shot(page, "create-policy-review");
  await page.getByRole("button", { name: "Create policy", exact: true }).click();
  // Created: the page says so (the name alone is on the review step already).
  await page.getByText("Policy ReadObjects created.").waitFor();
  const got = await pageCall("GetPolicy", { PolicyArn: arn() });
  assertEqual([xmlText(got, "PolicyName"), xmlText(got, "DefaultVersionId")], ["ReadObjects", "v1"], "the policy");
  const v1 = await pageCall("GetPolicyVersion", { PolicyArn: arn(), VersionId: "v1" });
  assertEqual(JSON.parse(decodeURIComponent(xmlText(v1, "Document"))).Statement[0].Action, "s3:GetObject", "the document");
});

await pageCheck("edit the policy: a new default version v2; the Versions tab lists both", page, async () => {
  await page.goto(consoleUrl(server, `/policies/${encodeURIComponent(arn())}`));
  await heading(page, /ReadObjects/);
  await shot(page, "policy-detail");
  await page.getByRole("button", { name: /^Edit( policy)?$/ }).or(page.getByRole("link", { name: /^Edit( policy)?$/ })).first().click();
  await editor().waitFor();
  // The editor starts with the current version's document.
  assert((await editor().inputValue()).includes("s3:GetObject"), await editor().inputValue());
  await editor().fill(doc("Allow", "s3:ListBucket"));
  await page.getByText("No errors.").waitFor();
  await shot(page, "policy-edit");
  for (let i = 0; i < 2; i++) {
    const save = page.getByRole("button", { name: /^Save changes$/ });
    if (await save.isVisible()) break;
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  await page.getByRole("button", { name: /^Save changes$/ }).click();
  // The detail page shows the heading while the save is still on its way: wait for the new
  // version to be shown.
  await page.getByText("Permissions defined in this policy (v2)").waitFor();
  await heading(page, /ReadObjects/);
  const got = await pageCall("GetPolicy", { PolicyArn: arn() });
  assertEqual(xmlText(got, "DefaultVersionId"), "v2", "DefaultVersionId");
  await page.goto(consoleUrl(server, `/policies/${encodeURIComponent(arn())}`, "") + "?tab=versions");
  await heading(page, /ReadObjects/);
  const tab = page.getByRole("tab", { name: /Policy versions|Versions/ });
  await tab.click();
  const panel = page.getByRole("tabpanel");
  await panel.getByText("v2").first().waitFor();
  const text = await panel.innerText();
  assert(/v1/.test(text) && /v2/.test(text), `the versions: ${text}`);
  await shot(page, "policy-versions");
  assertClean(page);
});

await browser.close();
console.log(`screenshots: ${ARTIFACTS}`);
await finish(server);
