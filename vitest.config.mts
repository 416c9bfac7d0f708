import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // every test file removes the temp dirs it made (several GiB a run otherwise)
    setupFiles: ['test/setup.ts'],
    environment: 'node',
    // native threads and child processes: separate processes, one file at a time,
    // so trials don't compete for the two cores
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
