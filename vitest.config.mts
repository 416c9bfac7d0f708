import os from 'node:os'
import path from 'node:path'
import { defineConfig } from 'vitest/config'

// where skipped tests leave their reasons for the skip reporter (forks inherit it)
process.env.ZCPROF_SKIP_LOG = path.join(os.tmpdir(), `zcprof-skips-${process.pid}.ndjson`)

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // every test file removes the temp dirs it made (several GiB a run otherwise)
    setupFiles: ['test/setup.ts'],
    // no skip is silent: each is listed at the end with its reason
    reporters: ['default', './test/skip-reporter.ts'],
    environment: 'node',
    // native threads and child processes: separate processes, one file at a time,
    // so trials don't compete for the two cores
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
