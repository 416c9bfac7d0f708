// Builds the fake CUDA driver (fake-cuda.c) into a shared object, and the environment
// that points zcprof at it: CUDA, NVML and cuFile all from the one file.

import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { tempDir } from '../../helpers'

export function buildFakeCuda(): { library: string; env: Record<string, string> } {
  const library = path.join(tempDir('zcprof-fake-cuda-'), 'libfakecuda.so')
  execFileSync('cc', ['-shared', '-fPIC', '-O1', '-Wall', '-o', library, path.join(__dirname, 'fake-cuda.c')])
  return {
    library,
    env: { ZCPROF_CUDA_LIBRARY: library, ZCPROF_NVML_LIBRARY: library, ZCPROF_CUFILE_LIBRARY: library }
  }
}
