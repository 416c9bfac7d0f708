// Runs in every test file: whatever temp dirs it made go when it ends, and no test
// (nor any zcprof it spawns) touches the user's real library or settings.
import { afterAll } from 'vitest'
import { removeTempDirs, tempDir } from './helpers'

process.env.XDG_DATA_HOME = tempDir('zcprof-data-')
process.env.XDG_CONFIG_HOME = tempDir('zcprof-config-')
delete process.env.ZCPROF_LIBRARY

afterAll(removeTempDirs)
