// Scaffolding of the console's browser tests (tests/js/console_*_test.mjs) on top of harness.mjs:
// the server (with extra `iamd serve` flags), Debian's chromium driven by playwright-core (never a
// browser that playwright downloads), pages at 1280x900, screenshots saved as test artefacts, a
// small client of the console's own endpoints (sign-up, sign-in, /console/api/call) for the
// setup a test does not do through the pages, the real aws CLI, and TOTP codes for MFA.
// Not a test itself (ctest runs only *_test.mjs).
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { chromium } from "playwright-core";

import { assert, check, Server } from "./harness.mjs";

export { assert, assertEqual, check, finish, IAMD, REGION, Server } from "./harness.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// console_signup_test.mjs -> console_signup
export const TEST = basename(process.argv[1] ?? "console", ".mjs").replace(/_test$/, "");
// $IAMD_ARTIFACTS/<test>/ (ctest sets IAMD_ARTIFACTS to <build>/test-artifacts/console), else
// <repo>/build-artifacts/console/<test>/; emptied at the start so it holds this run's pictures only.
export const ARTIFACTS = join(process.env.IAMD_ARTIFACTS || join(REPO, "build-artifacts", "console"), TEST);
rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });

export const CHROMIUM = process.env.IAMD_CHROMIUM || "/usr/bin/chromium";
export const PASSWORD = "Correct-Horse-9-Battery!";

// A server with sign-up allowed (and whatever else `args` adds), started.
export async function startServer(name = TEST, args = ["--allow-signup"]) {
  const server = new Server(name, { args });
  await server.start();
  return server;
}

// Debian's chromium, headless; --no-sandbox because CI runs as root.
export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
}

// A page in its own browser context (its own cookies), 1280x900 unless told. Every page records
// what would mean a broken console whatever the test checks: uncaught exceptions and requests the
// Content-Security-Policy refused (an inline script or style); assertClean(page) checks them.
export async function newPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(`uncaught: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) page.problems.push(`CSP: ${m.text()}`);
  });
  page.setDefaultTimeout(30000); // ctest runs the tests side by side, the debug build under ASan
  return page;
}

export function assertClean(page) {
  assert(page.problems.length === 0, `the page had problems: ${page.problems.join("; ")}`);
}

let shots = 0;
// A full-page PNG of what the page shows now, numbered in the order taken: NN-name.png.
export async function shot(page, name) {
  shots += 1;
  const file = join(ARTIFACTS, `${String(shots).padStart(2, "0")}-${name.replace(/[^A-Za-z0-9_.-]+/g, "-")}.png`);
  // From the top: a full-page picture of a scrolled window draws the fixed top bar mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// harness's check() that, when it fails, also saves a picture of the page as it was then.
export async function pageCheck(name, page, fn) {
  await check(name, async () => {
    try {
      await fn();
    } catch (e) {
      await shot(page, `FAILED-${name}`).catch(() => {});
      throw e;
    }
  });
}

// The page of the console at a route: console(server, "/users") -> .../console/#/users
export function consoleUrl(server, route = "/", search = "") {
  return `${server.endpoint}/console/${search}#${route}`;
}

// Waits for the page's <h1> to read `text` (a string matched whole, or a RegExp).
export async function heading(page, text) {
  const name = typeof text === "string" ? new RegExp(`^\\s*${escapeRe(text)}\\s*$`) : text;
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

export function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// Sign-up through the page #/signup; ends on the dashboard.
export async function signUpInBrowser(page, server, { email, password = PASSWORD, accountName }) {
  await page.goto(consoleUrl(server, "/signup"));
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/^password$/i).fill(password);
  const confirm = page.getByLabel(/confirm password/i);
  if ((await confirm.count()) > 0) await confirm.fill(password);
  await page.getByLabel(/account name/i).fill(accountName);
  await shot(page, "signup-form");
  await page.getByRole("button", { name: /sign up|create (aws )?account/i }).click();
  await heading(page, /Dashboard|IAM dashboard/);
}

// Sign-in of an IAM user through the page #/signin (the IAM user form). `account` may be
// omitted when the URL pre-filled it. Returns once the form is submitted.
export async function signInUser(page, { account, userName, password = PASSWORD }) {
  const iamUser = page.getByRole("radio", { name: /IAM user/i });
  if ((await iamUser.count()) > 0) await iamUser.check();
  if (account !== undefined) await page.getByLabel(/account id or alias|account/i).first().fill(account);
  await page.getByLabel(/IAM user name|user name/i).fill(userName);
  await page.getByLabel(/^password$/i).fill(password);
  await page.getByRole("button", { name: /^sign in$/i }).click();
}

// Signs out through the account menu.
export async function signOut(page) {
  const menu = page.getByRole("button", { name: /account menu|@|\d{12}/i }).first();
  if (await page.getByRole("button", { name: /^sign out$/i }).isHidden()) await menu.click();
  await page.getByRole("button", { name: /^sign out$/i }).click();
}

// Ends the page's session, if any, without the pages (so that a check starts signed out even when
// the one before it failed half-way).
export async function endSession(page) {
  await page.evaluate(async () => {
    const s = await (await fetch("/console/api/session")).json();
    if (s.signedIn) {
      await fetch("/console/api/signout", {
        method: "POST",
        headers: { "X-CSRF-Token": s.csrfToken, "Content-Type": "application/json" },
        body: "{}",
      });
    }
  });
}

// The explanation of a denial as the console's endpoint gives it: runs `action` as the page's
// principal and decodes the X-Iamd-Explanation header (base64 of JSON); null when absent.
export async function explanationOf(page, action, params = {}) {
  return page.evaluate(
    async ([action, params]) => {
      const s = await (await fetch("/console/api/session")).json();
      const body = new URLSearchParams({ Action: action, Version: "2010-05-08", ...params });
      const r = await fetch("/console/api/call", { method: "POST", headers: { "X-CSRF-Token": s.csrfToken }, body });
      const h = r.headers.get("X-Iamd-Explanation");
      if (!h) return { status: r.status, explanation: null };
      const bytes = Uint8Array.from(atob(h), (c) => c.charCodeAt(0));
      return { status: r.status, explanation: JSON.parse(new TextDecoder().decode(bytes)) };
    },
    [action, params],
  );
}

// The console's endpoints from node, as a browser would use them (cookie jar of one cookie,
// the CSRF token of the session, Origin of the server): for the setup a test does not do
// through the pages, and for the HTTP-level checks.
export class ConsoleClient {
  constructor(server) {
    this.server = server;
    this.endpoint = server.endpoint;
    this.cookie = null;
    this.session = null;
  }

  // A raw request to a path of the server: {status, headers, text, json}.
  async request(path, { method = "GET", headers = {}, body, keepCookie = true } = {}) {
    const h = { ...headers };
    if (this.cookie !== null && h.cookie === undefined) h.cookie = this.cookie;
    const res = await fetch(this.endpoint + path, { method, headers: h, body, redirect: "manual" });
    const text = await res.text();
    const setCookie = res.headers.getSetCookie?.() ?? [];
    for (const line of setCookie) {
      const [pair] = line.split(";");
      if (keepCookie && pair.startsWith("iamd-console=")) this.cookie = pair.slice(pair.indexOf("=") + 1) ? pair : null;
    }
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, headers: res.headers, setCookie, text, json };
  }

  // POST of a JSON body to a console endpoint with the CSRF token (and the Origin) a page sends.
  async postJson(path, body, { csrf = this.session?.csrfToken, origin = this.endpoint } = {}) {
    const headers = { "content-type": "application/json", origin };
    if (csrf) headers["x-csrf-token"] = csrf;
    const r = await this.request(path, { method: "POST", headers, body: JSON.stringify(body) });
    if (r.status === 200 && r.json?.signedIn !== undefined) this.session = r.json;
    return r;
  }

  async expectOk(path, body) {
    const r = await this.postJson(path, body);
    assert(r.status === 200, `${path}: ${r.status} ${r.text}`);
    return r.json;
  }

  signup({ email, password = PASSWORD, accountName }) {
    return this.expectOk("/console/api/signup", { email, password, accountName });
  }

  signinRoot({ email, password = PASSWORD }) {
    return this.expectOk("/console/api/signin", { type: "root", email, password });
  }

  signinUser({ account, userName, password = PASSWORD, mfaCode }) {
    const body = { type: "user", account, userName, password };
    if (mfaCode !== undefined) body.mfaCode = mfaCode;
    return this.expectOk("/console/api/signin", body);
  }

  // One IAM or STS operation as the signed-in principal: {status, text (the XML), headers}.
  async callRaw(action, params = {}, { service = "iam", csrf = this.session?.csrfToken } = {}) {
    const form = new URLSearchParams({ Action: action, Version: service === "sts" ? "2011-06-15" : "2010-05-08" });
    for (const [k, v] of Object.entries(params)) form.append(k, v);
    const headers = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
    if (csrf) headers["x-csrf-token"] = csrf;
    return this.request("/console/api/call", {
      method: "POST",
      headers,
      body: form.toString(),
    });
  }

  // The same, asserting success: the XML text of the answer.
  async call(action, params = {}, opts = {}) {
    const r = await this.callRaw(action, params, opts);
    assert(r.status === 200, `${action}: ${r.status} ${r.text}`);
    return r.text;
  }
}

// The text of the first <tag> of an XML answer ('' when absent), and of every one.
export function xmlText(xml, tag) {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? decodeXml(m[1]) : "";
}

export function xmlAll(xml, tag) {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => decodeXml(m[1]));
}

function decodeXml(s) {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

// The real aws CLI with the given keys and nothing else (no profile, no config file): the
// parsed JSON it prints.
export async function awsCli(server, { accessKeyId, secretAccessKey, sessionToken }, ...args) {
  const env = {
    PATH: process.env.PATH,
    HOME: server.tmp,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: join(server.tmp, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(server.tmp, "no-credentials"),
    AWS_PAGER: "",
  };
  if (sessionToken) env.AWS_SESSION_TOKEN = sessionToken;
  const { stdout } = await promisify(execFile)(
    "/usr/bin/aws",
    [...args, "--endpoint-url", server.endpoint, "--output", "json"],
    { env },
  );
  return JSON.parse(stdout);
}

// RFC 4648 base32 (the Base32StringSeed of CreateVirtualMFADevice) to bytes.
export function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "")) {
    const i = alphabet.indexOf(c);
    assert(i >= 0, `not base32: ${text}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 TOTP (HMAC-SHA1, 6 digits) of a seed for the 30 s step `step`.
export function totp(seed, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", seed).update(counter).digest();
  const offset = mac[19] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
}

export function nowStep() {
  return Math.floor(Date.now() / 1000 / 30);
}
