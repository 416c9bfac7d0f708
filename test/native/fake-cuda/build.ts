// Builds the fake CUDA driver (fake-cuda.c) into a shared object, and the environment
// that points zcprof at it: CUDA, NVML and cuFile all from the one file.

import path from 'node:path'
import { buildSharedObject } from '../../helpers'

export function buildFakeCuda(): { library: string; env: Record<string, string> } {
  const library = buildSharedObject(path.join(__dirname, 'fake-cuda.c'), 'libfakecuda.so')
  return {
    library,
    env: { ZCPROF_CUDA_LIBRARY: library, ZCPROF_NVML_LIBRARY: library, ZCPROF_CUFILE_LIBRARY: library }
  }
}
