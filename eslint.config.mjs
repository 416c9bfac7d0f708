// Layering, enforced: imports only point downward (docs/architecture.md).
//   renderer → shared          (never main, preload, native, electron or node)
//   preload  → shared, electron
//   main     → shared, native, node; electron only in the shell (index.ts, ipc/)
//   native   → shared
//   shared   → nothing of node, electron or the DOM
// Style is prettier's business; this config checks the architecture only.

import tseslint from 'typescript-eslint'

const upward = (...layers) => layers.map((l) => `**/${l}/**`)

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'src/native/build/**', 'prebuilds/**'] },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
    // directives elsewhere name rules this config leaves off (it checks layering only)
    linterOptions: { reportUnusedDisableDirectives: 'off' }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: upward('main', 'preload', 'native'),
              message: 'the renderer talks to main only through shared/api.ts'
            },
            { group: ['electron', 'node:*'], message: 'the renderer is a sandboxed web page: no electron, no node' }
          ]
        }
      ]
    }
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: upward('main', 'preload', 'native', 'renderer'), message: 'shared sits below every layer' },
            { group: ['electron', 'node:*'], message: 'shared runs in main and in the renderer: no electron, no node' }
          ]
        }
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'HTMLElement'].map((name) => ({
          name,
          message: 'shared runs in node too: no DOM'
        }))
      ]
    }
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/ipc/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron'], message: 'only the Electron shell (main/index.ts, main/ipc) may import electron' },
            { group: upward('renderer', 'preload'), message: 'main does not import the renderer or the preload' }
          ]
        }
      ]
    }
  },
  {
    files: ['src/native/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: upward('main', 'renderer', 'preload'), message: 'the addon loader sits below main' }] }
      ]
    }
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: upward('main', 'renderer', 'native'), message: 'the preload exposes shared/api.ts only' }]
        }
      ]
    }
  }
)
