// The console's security at the HTTP level (node's fetch; one browser page to see that the
// page itself runs under its Content-Security-Policy): the headers of its pages, the session
// cookie, CSRF tokens, Origin checks, sessions ended at sign-out, throttled sign-ins, secrets
// shown once and never logged, the redirect of a browser's GET /, and unknown paths.
import {
  ARTIFACTS,
  assert,
  assertClean,
  assertEqual,
  check,
  ConsoleClient,
  consoleUrl,
  finish,
  heading,
  launch,
  newPage,
  PASSWORD,
  Server,
  shot,
  startServer,
  xmlAll,
  xmlText,
} from "./browser.mjs";

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const server = await startServer();
const E = server.endpoint;
const email = "security@example.com";
const alice = new ConsoleClient(server);

await check("GET /console/: the page with the exact Content-Security-Policy (no 'unsafe-inline'), nosniff", async () => {
  const r = await alice.request("/console/");
  assertEqual(r.status, 200, "status");
  assert(/^text\/html/.test(r.headers.get("content-type")), r.headers.get("content-type"));
  assertEqual(r.headers.get("content-security-policy"), CSP, "Content-Security-Policy");
  assert(!/unsafe-inline|unsafe-eval/.test(r.headers.get("content-security-policy")), "no unsafe-*");
  assertEqual(r.headers.get("x-content-type-options"), "nosniff", "X-Content-Type-Options");
  assertEqual(r.headers.get("x-frame-options"), "DENY", "X-Frame-Options (for browsers without frame-ancestors)");
  assertEqual(r.headers.get("referrer-policy"), "no-referrer", "Referrer-Policy");
  // The page has no inline script: every <script> has a src.
  for (const tag of r.text.match(/<script\b[^>]*>/g) ?? []) assert(/\bsrc=/.test(tag), `inline script: ${tag}`);
  assert(!/\son[a-z]+\s*=/i.test(r.text), "an inline event handler attribute");
  assert(!/\sstyle\s*=/i.test(r.text), "an inline style attribute");
});

await check("the console's script and style: their content types, the same headers", async () => {
  const page = await alice.request("/console/");
  const srcs = [...page.text.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
  const css = [...page.text.matchAll(/<link\b[^>]*\bhref="([^"]+\.css)"/g)].map((m) => m[1]);
  assert(srcs.length > 0 && css.length > 0, "a script and a stylesheet");
  for (const [path, type] of [
    ...srcs.map((s) => [s, /^text\/javascript/]),
    ...css.map((s) => [s, /^text\/css/]),
  ]) {
    const r = await alice.request(new URL(path, `${E}/console/`).pathname);
    assertEqual(r.status, 200, path);
    assert(type.test(r.headers.get("content-type")), `${path}: ${r.headers.get("content-type")}`);
    assertEqual(r.headers.get("x-content-type-options"), "nosniff", `${path} nosniff`);
  }
});

await check("GET / from a browser (Accept: text/html) redirects to /console/; an API client's does not", async () => {
  const r = await alice.request("/", { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
  assert([301, 302, 303, 307, 308].includes(r.status), `status ${r.status}`);
  assertEqual(new URL(r.headers.get("location"), E).pathname, "/console/", "Location");
  const api = await alice.request("/", { headers: { accept: "*/*" } });
  assert(![301, 302, 303, 307, 308].includes(api.status), `an API client was redirected: ${api.status}`);
});

await check("an unknown /console/ path is 404; paths out of the console's folder are refused", async () => {
  for (const path of ["/console/x", "/console/js/nothing.js", "/console/pages/x.html"]) {
    const r = await alice.request(path);
    assertEqual(r.status, 404, path);
  }
  for (const path of ["/console/%2e%2e/%2e%2e/etc/passwd", "/console/..%2f..%2fetc%2fpasswd", "/console/js/..%2f..%2f..%2fCMakeLists.txt"]) {
    const r = await alice.request(path);
    assert([400, 403, 404].includes(r.status), `${path}: ${r.status}`);
    assert(!r.text.includes("root:") && !r.text.includes("cmake_minimum_required"), `${path} served a file out of the console`);
  }
});

await check("signed out: the session says so, and /console/api/call is 401", async () => {
  const s = await alice.request("/console/api/session");
  assertEqual(s.status, 200, "status");
  assert(/^application\/json/.test(s.headers.get("content-type")), s.headers.get("content-type"));
  assertEqual(s.headers.get("cache-control"), "no-store", "Cache-Control of the session");
  assertEqual(s.json.signedIn, false, "signedIn");
  assertEqual(s.json.signupAllowed, true, "signupAllowed");
  const r = await alice.callRaw("ListUsers", {}, { csrf: "x" });
  assertEqual(r.status, 401, "status of a call without a session");
});

await check("sign-up from a foreign Origin, or not as JSON, is refused and creates nothing", async () => {
  const evil = new ConsoleClient(server);
  const foreign = await evil.postJson("/console/api/signup", { email, password: PASSWORD, accountName: "x" }, {
    origin: "http://evil.example",
  });
  assertEqual(foreign.status, 403, `status (${foreign.text})`);
  assertEqual(evil.cookie, null, "a session cookie");
  const form = await evil.request("/console/api/signup", {
    method: "POST",
    headers: { "content-type": "text/plain", origin: E },
    body: JSON.stringify({ email, password: PASSWORD, accountName: "x" }),
  });
  assert(form.status >= 400 && form.status < 500, `text/plain sign-up: ${form.status}`);
  assertEqual(evil.cookie, null, "a session cookie");
});

let setCookie = "";
await check("sign-up: the session cookie is HttpOnly, SameSite=Strict, Path=/console, not Secure over http", async () => {
  const r = await alice.postJson("/console/api/signup", { email, password: PASSWORD, accountName: "security" });
  assertEqual(r.status, 200, `status (${r.text})`);
  setCookie = r.setCookie.find((c) => c.startsWith("iamd-console="));
  assert(setCookie, `no iamd-console cookie: ${r.setCookie}`);
  const attrs = setCookie.split(";").map((a) => a.trim().toLowerCase());
  assert(attrs.includes("httponly"), setCookie);
  assert(attrs.includes("samesite=strict"), setCookie);
  assert(attrs.includes("path=/console"), setCookie);
  assert(!attrs.includes("secure"), `Secure over http: ${setCookie}`);
  assert(r.json.signedIn === true && r.json.principal.type === "root", r.text);
  assert(/^\d{12}$/.test(r.json.accountId), r.json.accountId);
  assert(typeof r.json.csrfToken === "string" && r.json.csrfToken.length >= 16, "csrfToken");
  assertEqual(r.json.signInUrl, `${E}/console/?account=${r.json.accountId}`, "signInUrl");
  // The token is the session's, not the cookie's value.
  assert(!setCookie.includes(r.json.csrfToken), "the CSRF token is the cookie");
});

await check("the same email cannot sign up twice", async () => {
  const other = new ConsoleClient(server);
  const r = await other.postJson("/console/api/signup", { email, password: PASSWORD, accountName: "again" });
  assertEqual([r.status, r.json?.code], [400, "EmailAlreadyExists"], r.text);
});

const users = async () => xmlAll(await alice.call("ListUsers"), "UserName");

await check("POST /console/api/call without, or with a wrong, X-CSRF-Token: 403 InvalidCsrfToken, nothing changed", async () => {
  for (const csrf of [null, "0".repeat(alice.session.csrfToken.length), `${alice.session.csrfToken}x`]) {
    const r = await alice.callRaw("CreateUser", { UserName: "csrf-victim" }, { csrf });
    assertEqual(r.status, 403, `status with token ${csrf}`);
    assert(/InvalidCsrfToken/.test(r.text), r.text);
  }
  assertEqual(await users(), [], "users");
  // The same for the JSON endpoints that change state.
  const pw = await alice.postJson("/console/api/change-password", { oldPassword: PASSWORD, newPassword: "Another-Pass-1!" }, { csrf: null });
  assertEqual([pw.status, pw.json?.code], [403, "InvalidCsrfToken"], pw.text);
  const out = await alice.postJson("/console/api/signout", {}, { csrf: "wrong" });
  assertEqual([out.status, out.json?.code], [403, "InvalidCsrfToken"], out.text);
  assertEqual((await alice.request("/console/api/session")).json.signedIn, true, "still signed in");
});

let secret = "";
let keyId = "";
await check("CreateAccessKey's secret is in its answer only: not in GetUser, ListAccessKeys, nor the server's output", async () => {
  await alice.call("CreateUser", { UserName: "keyholder" });
  const created = await alice.call("CreateAccessKey", { UserName: "keyholder" });
  secret = xmlText(created, "SecretAccessKey");
  keyId = xmlText(created, "AccessKeyId");
  assert(secret.length === 40 && keyId.startsWith("AKIA"), created);
  for (const [action, params] of [
    ["GetUser", { UserName: "keyholder" }],
    ["ListAccessKeys", { UserName: "keyholder" }],
    ["GetAccessKeyLastUsed", { AccessKeyId: keyId }],
    ["ListUsers", {}],
  ]) {
    const text = await alice.call(action, params);
    assert(!text.includes(secret), `${action} answers the secret`);
  }
  assert(xmlAll(await alice.call("ListAccessKeys", { UserName: "keyholder" }), "AccessKeyId").includes(keyId), "the key");
  await new Promise((r) => setTimeout(r, 300)); // the server's log lines of these calls
  const output = server.output.join("\n");
  assert(!output.includes(secret), "the secret access key is in the server's output");
  assert(!output.includes(PASSWORD), "the password is in the server's output");
  assert(!output.includes(alice.session.csrfToken), "the CSRF token is in the server's output");
});

await check("sign-in from a foreign Origin is refused", async () => {
  const evil = new ConsoleClient(server);
  const r = await evil.postJson("/console/api/signin", { type: "root", email, password: PASSWORD }, {
    origin: "http://evil.example",
  });
  assertEqual(r.status, 403, `status (${r.text})`);
  assertEqual(evil.cookie, null, "a session cookie");
});

await check("a session ends at sign-out: the old cookie answers signedIn false and its calls 401", async () => {
  const old = { cookie: alice.cookie, csrf: alice.session.csrfToken };
  const out = await alice.postJson("/console/api/signout", {});
  assertEqual([out.status, out.json?.signedIn], [200, false], out.text);
  const cleared = out.setCookie.find((c) => c.startsWith("iamd-console="));
  assert(cleared && (/max-age=0/i.test(cleared) || /expires=thu, 01 jan 1970/i.test(cleared)), `cookie not cleared: ${cleared}`);
  const replay = new ConsoleClient(server);
  replay.cookie = old.cookie;
  const s = await replay.request("/console/api/session");
  assertEqual(s.json?.signedIn, false, "the old cookie's session");
  const call = await replay.callRaw("CreateUser", { UserName: "after-signout" }, { csrf: old.csrf });
  assertEqual(call.status, 401, "a call with the old cookie");
});

await check("the root signs in again with its password; a wrong password: 401 InvalidCredentials in AWS's words", async () => {
  const wrong = await alice.postJson("/console/api/signin", { type: "root", email, password: "wrong-password" });
  assertEqual(wrong.status, 401, "status");
  assertEqual(wrong.json, {
    code: "InvalidCredentials",
    message: "Your authentication information is incorrect. Please try again.",
  });
  await alice.signinRoot({ email });
  assertEqual(await users(), ["keyholder"], "users (no after-signout)");
});

await check("repeated failed sign-ins are throttled (429 Throttling, retryAfter) per account, whatever X-Forwarded-For says", async () => {
  const target = new ConsoleClient(server);
  let throttled = null;
  for (let i = 0; i < 30 && throttled === null; i++) {
    const r = await target.postJson("/console/api/signin", { type: "root", email, password: `wrong-${i}` });
    if (r.status === 429) throttled = { r, i };
    else assertEqual(r.status, 401, `attempt ${i}`);
  }
  assert(throttled !== null, "30 wrong passwords in a row were not throttled");
  assert(throttled.i >= 3, `throttled after ${throttled.i} failures`);
  assertEqual(throttled.r.json.code, "Throttling", "code");
  assert(Number.isInteger(throttled.r.json.retryAfter) && throttled.r.json.retryAfter > 0, throttled.r.text);
  // Each failure after the wait doubles the next wait; go on until it is long enough (8 s) for
  // the checks below to run within it on a loaded machine.
  const waits = [throttled.r.json.retryAfter];
  while (waits[waits.length - 1] < 8 && waits.length < 6) {
    await new Promise((r) => setTimeout(r, waits[waits.length - 1] * 1000 + 200));
    const again = await target.postJson("/console/api/signin", { type: "root", email, password: "wrong-again" });
    assertEqual(again.status, 401, `a wrong password after the wait (${again.text})`);
    const next = await target.postJson("/console/api/signin", { type: "root", email, password: "wrong-again" });
    assertEqual([next.status, next.json?.code], [429, "Throttling"], next.text);
    waits.push(next.json.retryAfter);
  }
  for (let i = 1; i < waits.length; i++) assert(waits[i] > waits[i - 1], `the waits do not grow: ${waits}`);
  // While throttled even the right password is refused, from any claimed forwarding address.
  for (const headers of [{}, { "x-forwarded-for": "203.0.113.9" }]) {
    const r = await target.request("/console/api/signin", {
      method: "POST",
      headers: { "content-type": "application/json", origin: E, ...headers },
      body: JSON.stringify({ type: "root", email, password: PASSWORD }),
    });
    assertEqual(r.status, 429, `the right password while throttled (${JSON.stringify(headers)})`);
  }
  assertEqual(target.cookie, null, "a session cookie");
  // The session signed in before goes on; another account's sign-in from the same address is
  // not refused (the count is per account and address). [UNCERTAIN] whether a per-address
  // limit alone would be stricter: one failure-free sign-in must pass.
  assertEqual((await alice.request("/console/api/session")).json.signedIn, true, "the other session");
  const other = new ConsoleClient(server);
  await other.signup({ email: "other@example.com", accountName: "other" });
  await other.postJson("/console/api/signout", {});
  await other.signinRoot({ email: "other@example.com" });
});

await check("without --allow-signup: the session says signupAllowed false and sign-up is 403 SignupDisabled", async () => {
  const plain = new Server("console_security_nosignup");
  await plain.start();
  try {
    const c = new ConsoleClient(plain);
    assertEqual((await c.request("/console/api/session")).json.signupAllowed, false, "signupAllowed");
    const r = await c.postJson("/console/api/signup", { email: "x@example.com", password: PASSWORD, accountName: "x" });
    assertEqual([r.status, r.json?.code], [403, "SignupDisabled"], r.text);
    assertEqual(c.cookie, null, "a session cookie");
  } finally {
    await plain.stop();
  }
});

// The page itself in a browser: it loads and runs under the CSP (no refused inline script or
// style, no uncaught error) and shows the sign-in page.
const browser = await launch();
const page = await newPage(browser);
await check("the console loads in chromium under its CSP and shows the sign-in page", async () => {
  await page.goto(consoleUrl(server, "/signin"));
  await heading(page, /Sign in/);
  await shot(page, "signin");
  assertClean(page);
});
await browser.close();
console.log(`screenshots: ${ARTIFACTS}`);
await finish(server);
