import { createApp } from 'vue'
import '../styles.css'
import App from './App.vue'
import { router } from './router'
import { onUnauthorized } from '../lib/api'
import { forgetSession } from '../lib/session'

onUnauthorized(() => {
  forgetSession()
  const current = router.currentRoute.value
  if (current.name !== 'signin') {
    void router.push({ name: 'signin', query: { next: current.fullPath, expired: '1' } })
  }
})

createApp(App).use(router).mount('#app')
