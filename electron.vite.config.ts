import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { APP_CSP_META } from './src/shared/csp'

export default defineConfig({
  main: {
    build: {
      // dependencies stay external; so does the Kubernetes client, an optional peer
      // (kubernetes-discovery.ts loads it when a fleet uses the cluster): bundled, it is 14 MB
      externalizeDeps: { include: ['@kubernetes/client-node'] },
      rollupOptions: {
        // the Electron shell and the headless CLI share the engine
        input: { index: resolve(__dirname, 'src/main/index.ts'), cli: resolve(__dirname, 'src/main/cli.ts') }
      }
    }
  },
  preload: {
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } } }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    // minified: the bundle is what a browser-mode page downloads and parses first
    build: { minify: true, rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
    plugins: [
      react(),
      // the page's meta CSP is the app's one policy (src/shared/csp.ts), not a copy
      { name: 'zcprof-csp', transformIndexHtml: (html: string) => html.replace('%ZCPROF_CSP%', APP_CSP_META) }
    ]
  }
})
