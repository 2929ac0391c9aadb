import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

// The built app is committed (ui/dist) and embedded by ui/embed.go; CI rebuilds it and fails
// on any difference, so the build must stay deterministic (no source maps, no timestamps).
const backend = 'http://127.0.0.1:8090'

export default defineConfig({
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': backend,
      '/_': backend,
    },
  },
})
