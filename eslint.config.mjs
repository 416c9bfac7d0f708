// Layering, enforced: imports only point downward (docs/architecture.md).
//   renderer → shared          (never main, preload, native, electron or node)
//   preload  → shared, electron
//   main     → shared, native, node; electron only in the shell (index.ts, ipc/)
//   native   → shared
//   shared   → nothing of node, electron or the DOM
// Style is prettier's business; this config checks the architecture (and function length) only.

import tseslint from 'typescript-eslint'

const upward = (...layers) => layers.map((l) => `**/${l}/**`)

// Inside src/main, layers too, lowest first: a file imports its own layer and those
// below it, never one above (docs/architecture.md draws them). `dirs` are folders of
// src/main, `modules` its top-level files. The last layer is the shell and the CLI's
// entry: nothing sits above it.
export const MAIN_LAYERS = [
  { name: 'host, storage, model', dirs: ['host', 'storage', 'model'], modules: [] },
  { name: 'agent', dirs: ['agent'], modules: [] },
  { name: 'engine', dirs: ['engine'], modules: [] },
  { name: 'reports', dirs: ['reports'], modules: [] },
  { name: 'fleet', dirs: ['fleet'], modules: [] },
  { name: 'api', dirs: ['api'], modules: ['settings'] },
  { name: 'front ends', dirs: ['cli', 'web'], modules: [] },
  { name: 'shell', dirs: ['ipc'], modules: ['index', 'cli'] }
]

// Functions a reader takes in at once: none over 120 lines in src. The rule cannot
// except a single function, so each exception below switches it off for its file;
// test/architecture/function-length.test.ts checks that every named function is
// still over the limit (so a stale exception is caught) and that no other one is.
export const MAX_FUNCTION_LINES = { max: 120, skipBlankLines: true, skipComments: true }
// None now: an exception names its file, its function and why it must stay long.
export const FUNCTION_LENGTH_EXCEPTIONS = []

/** an import of `to` (a dir or a module of src/main) from a file one folder down, or at the top */
const importOf = (to, isDir) => (isDir ? `^\\.\\.?/${to}/` : `^\\.\\.?/${to}$`)

function mainLayerRules() {
  return MAIN_LAYERS.slice(0, -1).map((layer, i) => {
    const above = MAIN_LAYERS.slice(i + 1)
    const regex = [
      ...above.flatMap((l) => l.dirs.map((d) => importOf(d, true))),
      ...above.flatMap((l) => l.modules.map((m) => importOf(m, false)))
    ].join('|')
    return {
      files: [...layer.dirs.map((d) => `src/main/${d}/**/*.ts`), ...layer.modules.map((m) => `src/main/${m}.ts`)],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              { group: ['electron'], message: 'only the Electron shell (main/index.ts, main/ipc) may import electron' },
              { group: upward('renderer', 'preload'), message: 'main does not import the renderer or the preload' },
              {
                regex,
                message: `${layer.name} sits below ${above.map((l) => l.name).join(', ')} (eslint.config.mjs MAIN_LAYERS): move the shared part down`
              }
            ]
          }
        ]
      }
    }
  })
}

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
            { group: ['electron', 'node:*'], message: 'shared runs in main and in the renderer: no electron, no node' },
            { regex: '^\\./export/', message: 'shared/export sits above the rest of shared: move the shared part down' }
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
  // after the rule above, so each layer's list (which repeats it) replaces it
  ...mainLayerRules(),
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'max-lines-per-function': ['error', MAX_FUNCTION_LINES] }
  },
  // the exceptions above, by file (the rule has no per-function switch); ESLint
  // refuses an empty files list, so with none there is no block
  ...(FUNCTION_LENGTH_EXCEPTIONS.length
    ? [{ files: FUNCTION_LENGTH_EXCEPTIONS.map((e) => e.file), rules: { 'max-lines-per-function': 'off' } }]
    : []),
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
