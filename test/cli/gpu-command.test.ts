// `zcprof run --target gpu://N` as a user runs it: without a driver or that device it says
// why and exits 2; with one (the fake CUDA driver here) the GPU methods run by default,
// and the summary has the GPU's own table with its PCIe link as the reference.

import { beforeAll, describe, expect, it } from 'vitest'
import { GPU_METHODS } from '../../src/shared/methods'
import { randomFile, runZcprof } from '../helpers'
import { buildFakeCuda } from '../native/fake-cuda/build'

let fake: Record<string, string>
let file: string

beforeAll(() => {
  fake = buildFakeCuda().env
  file = randomFile(2 * 1024 * 1024 + 5)
})

describe('zcprof run --target gpu://N', () => {
  it('without a CUDA driver: exit 2, naming the library and the fix', () => {
    const r = runZcprof(['run', '--target', 'gpu://0', '-f', file, '--once', '-r', '1'], {
      ZCPROF_CUDA_LIBRARY: '/nonexistent/libcuda.so.1'
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/gpu:\/\/0: no CUDA driver: \/nonexistent\/libcuda\.so\.1.*\(ZC_NO_GPU_DRIVER\)/)
    expect(r.stderr).toMatch(/hint: install the NVIDIA driver/)
  })
  it('a driver with no GPU, or without that GPU: exit 2, saying so', () => {
    const none = runZcprof(['run', '--target', 'gpu://0', '-f', file, '--once', '-r', '1'], {
      ...fake,
      FAKE_CUDA_DEVICES: '0'
    })
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/the CUDA driver loaded but sees no GPU \(ZC_NO_GPU\)/)
    const other = runZcprof(['run', '--target', 'gpu://2', '-f', file, '--once', '-r', '1'], fake)
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(/there is no GPU 2: this machine has 1 \(gpu:\/\/0 to gpu:\/\/0\)/)
  })
  it('with a GPU: every GPU method by default, verified, and the GPU table with the link', () => {
    const r = runZcprof(
      ['run', '--target', 'gpu://0', '-f', file, '-t', '200ms', '-r', '1', '--verify', '--no-progress'],
      fake
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/gpu:\/\/0 {2}timed 200 ms {2}file 2\.00MiB {2}chunk 8MiB/)
    expect(r.stdout).toMatch(
      /into zcprof fake GPU 0 \(host memory\), PCIe gen4 x16 \(max gen5 x16: 63\.0 GB\/s\), CUDA 13\.0/
    )
    expect(r.stdout).toMatch(/PCIe link +63\.02 +100%/)
    for (const m of GPU_METHODS) expect(r.stdout).toMatch(new RegExp(`^${m} `, 'm'))
    // no socket method ran
    expect(r.stdout).not.toMatch(/^sendfile /m)
  })
})
