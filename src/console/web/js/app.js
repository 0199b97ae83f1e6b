// The console's shell: top bar with the account menu, the left navigation (behind "Menu" on narrow
// windows), the flash area and the router over js/routes.js.

import {getSession, postJson, setSession} from './api.js';
import {matchRoute} from './routes.js';
import {errorAlert, h} from './ui.js';

const NAV = [
  {id: 'dashboard', label: 'Dashboard', href: '#/'},
  {section: 'Access management'},
  {id: 'groups', label: 'User groups', href: '#/groups'},
  {id: 'users', label: 'Users', href: '#/users'},
  {id: 'roles', label: 'Roles', href: '#/roles'},
  {id: 'policies', label: 'Policies', href: '#/policies'},
  {id: 'identity-providers', label: 'Identity providers', href: '#/identity-providers'},
  {id: 'account-settings', label: 'Account settings', href: '#/account-settings'},
  {section: 'Access reports'},
  {id: 'credential-report', label: 'Credential report', href: '#/credential-report'},
  {id: 'simulator', label: 'Policy simulator', href: '#/simulator'},
];

const app = document.getElementById('app');
const topbar = h('header', {class: 'topbar'});
const nav = h('nav', {class: 'sidenav', id: 'sidenav', 'aria-label': 'Identity and Access Management (IAM)'});
const flash = h('div', {id: 'flash', class: 'flash'});
let content = h('div', {id: 'content', class: 'content'});
const main = h('main', {id: 'main', class: 'main', tabindex: '-1'}, flash, content);
const shell = h('div', {class: 'shell'}, nav, main);
app.replaceChildren(topbar, shell);

let navOpen = false;
let menuOpen = false;
let renderToken = 0;
let firstRender = true;

function parseHash() {
  let hash = location.hash || '#/';
  if (hash === '#main') hash = '#/';
  let rest = hash.slice(1);
  if (!rest.startsWith('/')) rest = `/${rest}`;
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
  return {path: path.length > 1 ? path.replace(/\/+$/, '') : path, query};
}

function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function setNavOpen(open) {
  navOpen = open;
  nav.classList.toggle('open', open);
  const btn = document.getElementById('menu-button');
  if (btn) btn.setAttribute('aria-expanded', String(open));
}

function principalLabel(s) {
  const p = s.principal || {};
  if (s.role) return `${s.role.displayName || s.role.roleName} @ ${s.role.accountId}`;
  if (p.type === 'root') return `Root user @ ${s.accountAlias || s.accountId}`;
  return `${p.userName || p.name || ''} @ ${s.accountAlias || s.accountId}`;
}

async function signOut() {
  try {
    const s = await postJson('/console/api/signout', {});
    setSession(s && 'signedIn' in s ? s : {signedIn: false});
  } catch (err) {
    // The session may already be gone: end it here all the same.
    setSession({signedIn: false});
  }
  go('#/signin');
}

async function switchBack() {
  try {
    await postJson('/console/api/switch-back', {});
    go('#/');
  } catch (err) {
    content.prepend(errorAlert(err));
  }
}

function drawTopbar(s) {
  const signedIn = s && s.signedIn;
  const brand = h('a', {class: 'brand', href: signedIn ? '#/' : '#/signin'}, h('span', {class: 'brand-mark'}, 'iamd'),
                  h('span', {class: 'brand-text'}, 'IAM'));
  if (!signedIn) {
    topbar.replaceChildren(h('div', {class: 'topbar-left'}, brand));
    return;
  }
  const menuBtn = h('button', {type: 'button', id: 'menu-button', class: 'topbar-btn menu-button', 'aria-controls': 'sidenav',
                               'aria-expanded': String(navOpen), on: {click: () => {
                                 setNavOpen(!navOpen);
                                 if (navOpen) nav.querySelector('a')?.focus();
                               }}}, 'Menu');
  const acctId = 'account-menu';
  const p = s.principal || {};
  const who = s.signedInAs || null;
  const menu = h('div', {class: 'account-menu', id: acctId, hidden: !menuOpen},
                 h('dl', {class: 'kv kv-compact'},
                   h('dt', {}, 'Account ID'), h('dd', {class: 'mono', id: 'menu-account-id'}, s.accountId),
                   s.accountAlias ? [h('dt', {}, 'Account alias'), h('dd', {}, s.accountAlias)] : null,
                   h('dt', {}, s.role ? 'Currently active as' : 'Signed in as'), h('dd', {class: 'break'}, p.arn || p.name || ''),
                   who ? [h('dt', {}, 'Signed in as'), h('dd', {class: 'break'}, who.arn || who.name || '')] : null),
                 h('ul', {class: 'menu-list'},
                   // [AWS] The root user cannot switch roles: the menu offers it to IAM users only.
                   s.passwordResetRequired || (p.type === 'root' && !s.role) ? null
                     : h('li', {}, h('a', {href: '#/switch-role', class: 'menu-item'}, 'Switch role')),
                   s.role && !s.passwordResetRequired ? h('li', {}, h('button', {type: 'button', class: 'menu-item', on: {click: switchBack}}, 'Switch back'))
                          : null,
                   !s.role && !s.passwordResetRequired
                       ? h('li', {}, h('a', {href: '#/security-credentials', class: 'menu-item', id: 'menu-security-credentials'},
                                       'Security credentials')) : null,
                   p.type === 'user' && !s.role && !s.passwordResetRequired
                       ? h('li', {}, h('a', {href: '#/change-password', class: 'menu-item'}, 'Change password')) : null,
                   h('li', {}, h('button', {type: 'button', class: 'menu-item', id: 'sign-out', on: {click: signOut}}, 'Sign out'))));
  const acctBtn = h('button', {type: 'button', class: 'topbar-btn account-button', id: 'account-button',
                               'aria-expanded': String(menuOpen), 'aria-controls': acctId,
                               on: {click: () => {
                                 menuOpen = !menuOpen;
                                 menu.hidden = !menuOpen;
                                 acctBtn.setAttribute('aria-expanded', String(menuOpen));
                                 if (menuOpen) {
                                   const first = menu.querySelector('a, button');
                                   if (first) first.focus();
                                 }
                               }}},
                    h('span', {class: 'account-label'}, principalLabel(s)), h('span', {'aria-hidden': 'true'}, ' ▾'));
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      closeMenu();
      acctBtn.focus();
    }
  });
  topbar.replaceChildren(h('div', {class: 'topbar-left'}, menuBtn, brand),
                         h('div', {class: 'topbar-right'}, s.role ? h('span', {class: 'role-badge'}, 'Switched role') : null,
                           h('div', {class: 'account'}, acctBtn, menu)));
}

function closeMenu() {
  menuOpen = false;
  const m = document.getElementById('account-menu');
  const b = document.getElementById('account-button');
  if (m) m.hidden = true;
  if (b) b.setAttribute('aria-expanded', 'false');
}

document.addEventListener('click', (e) => {
  if (menuOpen && !e.target.closest('.account')) closeMenu();
  if (navOpen && !e.target.closest('#sidenav') && !e.target.closest('#menu-button')) setNavOpen(false);
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && navOpen) setNavOpen(false);
});

function drawNav(current) {
  nav.replaceChildren(h('p', {class: 'sidenav-title'}, 'Identity and Access Management (IAM)'),
                      h('ul', {class: 'sidenav-list'}, NAV.map((n) => n.section
                          ? h('li', {class: 'sidenav-section'}, n.section)
                          : h('li', {}, h('a', {href: n.href, class: n.id === current ? 'active' : null,
                                                'aria-current': n.id === current ? 'page' : null,
                                                on: {click: () => setNavOpen(false)}}, n.label)))));
}

async function render() {
  const mine = ++renderToken;
  const {path, query} = parseHash();
  window.dispatchEvent(new CustomEvent('iamd:navigate', {detail: {path}}));
  closeMenu();
  setNavOpen(false);
  let session;
  try {
    session = await getSession();
  } catch (err) {
    session = {signedIn: false, signupAllowed: false};
    if (mine !== renderToken) return;
    showContent(h('div', {}, h('h1', {}, 'The console cannot reach the server'), errorAlert(err)));
    return;
  }
  if (mine !== renderToken) return;
  const m = matchRoute(path);
  if (m && !m.route.public && !session.signedIn) {
    const next = path === '/' ? '' : `?next=${encodeURIComponent(location.hash.slice(1))}`;
    const account = new URLSearchParams(location.search).get('account');
    go(`#/signin${next || (account ? `?account=${encodeURIComponent(account)}` : '')}`);
    return;
  }
  if (session.signedIn && session.passwordResetRequired && path !== '/change-password') {
    go('#/change-password');
    return;
  }
  if (session.signedIn && m && m.route.public) {
    go('#/');
    return;
  }
  drawTopbar(session);
  document.body.classList.toggle('public', !session.signedIn || !!session.passwordResetRequired);
  drawNav(m ? m.route.nav : null);
  const fresh = h('div', {id: 'content', class: 'content'});
  showContent(fresh);
  if (!m) {
    document.title = 'Page not found | IAM | iamd';
    fresh.append(h('h1', {}, 'Page not found'),
                 h('p', {}, 'The console has no page at this address. ', h('a', {href: '#/'}, 'Go to the dashboard')));
    return;
  }
  document.title = `${m.route.title} | IAM | iamd`;
  let mod;
  try {
    mod = await m.route.load();
  } catch (err) {
    if (mine !== renderToken) return;
    fresh.append(h('h1', {}, m.route.title),
                 errorAlert({code: 'PageUnavailable', message: `This page could not be loaded: ${err.message || err}`}));
    return;
  }
  if (mine !== renderToken) return;
  try {
    await mod.render(fresh, {path, params: m.params, query, session});
  } catch (err) {
    if (mine !== renderToken) return;
    if (!fresh.querySelector('h1')) fresh.prepend(h('h1', {}, m.route.title));
    fresh.appendChild(errorAlert(err));
  }
  if (mine === renderToken && !firstRender) {
    const h1 = fresh.querySelector('h1');
    if (h1) {
      h1.tabIndex = -1;
      h1.focus({preventScroll: true});
    }
    window.scrollTo(0, 0);
  }
  firstRender = false;
}

function showContent(el) {
  content.replaceWith(el);
  content = el;
}

window.addEventListener('hashchange', () => {
  if (location.hash === '#main') return; // the skip link
  render();
});
window.addEventListener('iamd:session', (e) => {
  const s = e.detail;
  if (s && s.signedIn) drawTopbar(s);
  else drawTopbar({signedIn: false});
});
window.addEventListener('iamd:session-lost', () => {
  setSession({signedIn: false});
  go('#/signin');
});
window.addEventListener('iamd:password-reset-required', () => go('#/change-password'));
document.getElementById('skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

render();
