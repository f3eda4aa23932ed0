import { createRouter, createWebHistory } from 'vue-router'
import { restoreSession, session } from '../lib/session'

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    { path: '/signin', name: 'signin', component: () => import('./pages/SignIn.vue'), meta: { public: true, title: 'Sign in' } },
    { path: '/', name: 'dashboard', component: () => import('./pages/Dashboard.vue'), meta: { title: 'Dashboard' } },
    { path: '/accounts', name: 'accounts', component: () => import('./pages/Accounts.vue'), meta: { title: 'Accounts' } },
    { path: '/keys', name: 'keys', component: () => import('./pages/Keys.vue'), meta: { title: 'Keys' } },
    { path: '/keys/:id', name: 'key', component: () => import('./pages/KeyDetail.vue'), meta: { title: 'Key' } },
    { path: '/groups', name: 'groups', component: () => import('./pages/Groups.vue'), meta: { title: 'Groups' } },
    { path: '/policies', name: 'policies', component: () => import('./pages/Policies.vue'), meta: { title: 'Policies' } },
    { path: '/prices', name: 'prices', component: () => import('./pages/Prices.vue'), meta: { title: 'Prices' } },
    { path: '/usage', name: 'usage', component: () => import('./pages/UsageLog.vue'), meta: { title: 'Usage log' } },
    { path: '/settings', name: 'settings', component: () => import('./pages/Settings.vue'), meta: { title: 'Settings' } },
    { path: '/:pathMatch(.*)*', name: 'notfound', component: () => import('./pages/NotFound.vue'), meta: { title: 'Not found' } },
  ],
})

router.beforeEach(async (to) => {
  if (!session.checked) {
    try {
      await restoreSession()
    } catch {
      // Relay unreachable: fall through to the sign-in page, which shows the error when used.
    }
  }
  if (to.meta.public) {
    if (to.name === 'signin' && session.username) return { name: 'dashboard' }
    return true
  }
  if (!session.username) return { name: 'signin', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  return true
})

router.afterEach((to) => {
  document.title = `${(to.meta.title as string | undefined) ?? 'Admin'} · Relay`
})
