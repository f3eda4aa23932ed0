import { createApp } from 'vue'
import '../styles.css'
import MeApp from './MeApp.vue'

createApp(MeApp).mount('#app')
