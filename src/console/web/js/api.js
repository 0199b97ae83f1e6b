// The console's one way to the server: IAM and STS operations through POST /console/api/call
// (the same pipeline and authorizer as the API, as the signed-in principal) and the console's
// JSON endpoints. See the contract (issue 13) for the shapes.

const VERSIONS = {iam: '2010-05-08', sts: '2011-06-15'};
const API = '/console/api/';

export class ApiError extends Error {
  code;
  message;
  status;
  explanation; /* object|null */
  requestId;
  retryAfter; // seconds, for Throttling answers of signin
  data; // the whole JSON body of a JSON endpoint's error answer, or null

  constructor({code = 'InternalFailure', message = '', status = 0, explanation = null, requestId = '',
               retryAfter = null, data = null} = {}) {
    super(message || code);
    this.name = 'ApiError';
    this.code = code;
    this.message = message || code;
    this.status = status;
    this.explanation = explanation;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
    this.data = data;
  }
}

let session = null; // the last session object the server answered
let sessionPromise = null; // the GET in flight

// Decodes the X-Iamd-Explanation header: base64 of UTF-8 JSON. null when absent or unreadable.
function decodeExplanation(header) {
  if (!header) return null;
  try {
    const bytes = Uint8Array.from(atob(header.trim()), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

function firstByTag(el, tag) {
  if (!el) return null;
  const found = el.getElementsByTagNameNS('*', tag);
  return found.length ? found[0] : null;
}

function childByTag(el, tag) {
  if (!el) return null;
  for (const c of el.children) {
    if (c.localName === tag) return c;
  }
  return null;
}

// Tells the application that the session ended under it (expired, signed out elsewhere).
function sessionLost(code) {
  session = null;
  sessionPromise = null;
  window.dispatchEvent(new CustomEvent('iamd:session-lost', {detail: {code}}));
}

// An error answer of a JSON endpoint (or of /console/api/call before the operation ran: no
// session, a bad CSRF token, a password that must be changed) as an ApiError.
async function jsonError(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const code = (body && body.code) || (res.status === 429 ? 'Throttling' : `HTTP${res.status}`);
  const message = (body && body.message) || res.statusText || code;
  const retryAfter = body && body.retryAfter != null ? Number(body.retryAfter)
                     : res.headers.get('Retry-After') ? Number(res.headers.get('Retry-After')) : null;
  let explanation = body && body.explanation ? body.explanation : null;
  if (typeof explanation === 'string') explanation = decodeExplanation(explanation);
  if (!explanation) explanation = decodeExplanation(res.headers.get('X-Iamd-Explanation'));
  return new ApiError({code, message, status: res.status, explanation, retryAfter, data: body,
                       requestId: res.headers.get('x-amzn-RequestId') || ''});
}

function resolvePath(path) {
  return path.startsWith('/') ? path : API + path;
}

async function csrfToken() {
  const s = session || (await getSession());
  return s && s.csrfToken ? s.csrfToken : '';
}

// After an answer that is not the operation's own: the session is gone or must change password.
function watchSessionCodes(err) {
  if (err.code === 'PasswordResetRequired') {
    if (session) session.passwordResetRequired = true;
    window.dispatchEvent(new CustomEvent('iamd:password-reset-required'));
  } else if (err.status === 401 || err.code === 'NotSignedIn' || err.code === 'SessionExpired') {
    sessionLost(err.code);
  }
}

// One IAM or STS operation as the signed-in principal. Returns the <ActionResult> element of the
// answer (the document element when the operation has no result, as DeleteUser); throws ApiError.
export async function call(action, params = {}, {service = 'iam'} = {}) {
  const body = new URLSearchParams();
  body.set('Action', action);
  body.set('Version', VERSIONS[service] || VERSIONS.iam);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    body.set(k, String(v));
  }
  const res = await fetch(API + 'call', {
    method: 'POST',
    credentials: 'same-origin',
    headers: {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
              'X-CSRF-Token': await csrfToken()},
    body,
  });
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    // The console's own refusal (no session, CSRF, password reset), not an IAM answer.
    const err = await jsonError(res);
    watchSessionCodes(err);
    throw err;
  }
  const xml = await res.text();
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const parseError = doc.getElementsByTagName('parsererror').length > 0;
  const errorEl = parseError ? null : firstByTag(doc, 'Error');
  if (!res.ok || errorEl || parseError) {
    const requestId = text(doc, 'RequestId') || res.headers.get('x-amzn-RequestId') || '';
    const err = new ApiError({
      code: errorEl ? text(errorEl, 'Code') : `HTTP${res.status}`,
      message: errorEl ? text(errorEl, 'Message') : (res.statusText || 'The server answered with an error.'),
      status: res.status,
      explanation: decodeExplanation(res.headers.get('X-Iamd-Explanation')),
      requestId,
    });
    if (res.status === 401) sessionLost(err.code);
    throw err;
  }
  return childByTag(doc.documentElement, `${action}Result`) || doc.documentElement;
}

// Every page of a paginated list (IsTruncated/Marker); all <member> elements of `listTag`.
export async function callAll(action, params = {}, listTag, opts = {}) {
  const all = [];
  let marker = null;
  const p = {...params};
  if (!('MaxItems' in p) && !('MaxResults' in p)) p.MaxItems = '1000';
  for (let page = 0; page < 1000; page++) {
    const result = await call(action, marker ? {...p, Marker: marker} : p, opts);
    all.push(...members(result, listTag));
    const truncated = (childByTag(result, 'IsTruncated') || {}).textContent;
    if (truncated !== 'true') break;
    marker = (childByTag(result, 'Marker') || {}).textContent || '';
    if (!marker) break;
  }
  return all;
}

// The text of the first descendant <tag> of el (or of el itself when it is a <tag>), or ''.
export function text(el, tag) {
  if (!el) return '';
  if (el.localName === tag) return el.textContent;
  const found = firstByTag(el, tag);
  return found ? found.textContent : '';
}

// The <member> children of the first descendant <tag> of el, as an array.
export function members(el, tag) {
  if (!el) return [];
  const list = el.localName === tag ? el : firstByTag(el, tag);
  if (!list) return [];
  return Array.from(list.children).filter((c) => c.localName === 'member');
}

// {'Prefix.member.1': v1, 'Prefix.member.2': v2, ...}
export function listParams(prefix, values) {
  const out = {};
  (values || []).forEach((v, i) => {
    out[`${prefix}.member.${i + 1}`] = v;
  });
  return out;
}

// [{key, value}] -> {'Tags.member.1.Key': k, 'Tags.member.1.Value': v, ...}
export function tagParams(tags) {
  const out = {};
  (tags || []).forEach((t, i) => {
    out[`Tags.member.${i + 1}.Key`] = t.key;
    out[`Tags.member.${i + 1}.Value`] = t.value == null ? '' : t.value;
  });
  return out;
}

// A JSON endpoint of the console (path '/console/api/x' or just 'x'): POST with the CSRF header.
export async function postJson(path, body = {}) {
  const headers = {'Content-Type': 'application/json', 'Accept': 'application/json'};
  const p = resolvePath(path);
  if (!/\/(signin|signup)$/.test(p)) headers['X-CSRF-Token'] = await csrfToken();
  const res = await fetch(p, {method: 'POST', credentials: 'same-origin', headers,
                              body: JSON.stringify(body)});
  if (!res.ok) {
    const err = await jsonError(res);
    if (!/\/(signin|signup|change-password|switch-role)$/.test(p)) watchSessionCodes(err);
    throw err;
  }
  const data = await res.json();
  // Every endpoint that changes who is signed in answers with the session.
  if (data && typeof data === 'object' && 'signedIn' in data) setSession(data);
  return data;
}

// GET /console/api/session, cached until refresh or setSession.
export async function getSession(refresh = false) {
  if (session && !refresh) return session;
  if (!sessionPromise || refresh) {
    sessionPromise = (async () => {
      const res = await fetch(API + 'session', {credentials: 'same-origin', headers: {'Accept': 'application/json'}});
      if (!res.ok) throw await jsonError(res);
      const s = await res.json();
      session = s;
      return s;
    })();
    sessionPromise.catch(() => {
      sessionPromise = null;
    });
  }
  return sessionPromise;
}

// After signin, signup, change-password, switch-role, switch-back, signout answers.
export function setSession(s) {
  session = s;
  sessionPromise = Promise.resolve(s);
  window.dispatchEvent(new CustomEvent('iamd:session', {detail: s}));
}
