// Runs in every test file: whatever temp dirs it made go when it ends.
import { afterAll } from 'vitest'
import { removeTempDirs } from './helpers'

afterAll(removeTempDirs)
