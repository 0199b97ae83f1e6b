// Every route of the console (hash routing; the page is always /console/). Page modules are
// loaded on first use; a page exports `async function render(main, route)`.
// Order matters: the fixed paths ('/users/create') come before the patterns ('/users/:name').

export const routes = [
  {pattern: '/signin', load: () => import('./pages/signin.js'), title: 'Sign in', nav: null, public: true},
  {pattern: '/signup', load: () => import('./pages/signup.js'), title: 'Sign up', nav: null, public: true},
  {pattern: '/change-password', load: () => import('./pages/change-password.js'), title: 'Change password', nav: null,
   public: false},
  {pattern: '/', load: () => import('./pages/dashboard.js'), title: 'Dashboard', nav: 'dashboard', public: false},
  {pattern: '/users', load: () => import('./pages/users.js'), title: 'Users', nav: 'users', public: false},
  {pattern: '/users/create', load: () => import('./pages/user-create.js'), title: 'Create user', nav: 'users',
   public: false},
  {pattern: '/users/:name', load: () => import('./pages/user-detail.js'), title: 'Users', nav: 'users', public: false},
  {pattern: '/groups', load: () => import('./pages/groups.js'), title: 'User groups', nav: 'groups', public: false},
  {pattern: '/groups/create', load: () => import('./pages/group-create.js'), title: 'Create user group', nav: 'groups',
   public: false},
  {pattern: '/groups/:name', load: () => import('./pages/group-detail.js'), title: 'User groups', nav: 'groups',
   public: false},
  {pattern: '/roles', load: () => import('./pages/roles.js'), title: 'Roles', nav: 'roles', public: false},
  {pattern: '/roles/create', load: () => import('./pages/role-create.js'), title: 'Create role', nav: 'roles',
   public: false},
  {pattern: '/roles/:name', load: () => import('./pages/role-detail.js'), title: 'Roles', nav: 'roles', public: false},
  {pattern: '/policies', load: () => import('./pages/policies.js'), title: 'Policies', nav: 'policies', public: false},
  {pattern: '/policies/create', load: () => import('./pages/policy-create.js'), title: 'Create policy',
   nav: 'policies', public: false},
  {pattern: '/policies/:arn', load: () => import('./pages/policy-detail.js'), title: 'Policies', nav: 'policies',
   public: false},
  {pattern: '/identity-providers', load: () => import('./pages/identity-providers.js'), title: 'Identity providers',
   nav: 'identity-providers', public: false},
  {pattern: '/identity-providers/create', load: () => import('./pages/identity-providers.js'),
   title: 'Add identity provider', nav: 'identity-providers', public: false},
  {pattern: '/account-settings', load: () => import('./pages/account-settings.js'), title: 'Account settings',
   nav: 'account-settings', public: false},
  {pattern: '/credential-report', load: () => import('./pages/credential-report.js'), title: 'Credential report',
   nav: 'credential-report', public: false},
  {pattern: '/simulator', load: () => import('./pages/simulator.js'), title: 'Policy simulator', nav: 'simulator',
   public: false},
  {pattern: '/switch-role', load: () => import('./pages/switch-role.js'), title: 'Switch role', nav: null,
   public: false},
  {pattern: '/security-credentials', load: () => import('./pages/security-credentials.js'),
   title: 'Security credentials', nav: null, public: false},
];

// The route of a path ('/users/alice') with its params ({name: 'alice'}), or null.
export function matchRoute(path) {
  const parts = path.split('/').filter(Boolean);
  for (const r of routes) {
    const pat = r.pattern.split('/').filter(Boolean);
    if (pat.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < pat.length; i++) {
      if (pat[i].startsWith(':')) {
        try {
          params[pat[i].slice(1)] = decodeURIComponent(parts[i]);
        } catch {
          ok = false;
        }
      } else if (pat[i] !== parts[i]) {
        ok = false;
      }
      if (!ok) break;
    }
    if (ok) return {route: r, params};
  }
  return null;
}
