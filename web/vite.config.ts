import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { resolve } from 'node:path'

// The admin UI is served by Relay at /admin (index.html) and the key-holder page at /me (me.html);
// both load their hashed assets from /admin/assets/. `npm run dev` proxies the API to a running relay
// (RELAY_URL, default http://127.0.0.1:8080).
const relay = process.env.RELAY_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/admin/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // No data: URIs: the Content-Security-Policy allows images from 'self' only.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      input: {
        admin: resolve(import.meta.dirname, 'index.html'),
        me: resolve(import.meta.dirname, 'me.html'),
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: relay, changeOrigin: false },
      '/v1': { target: relay, changeOrigin: false },
    },
  },
})
