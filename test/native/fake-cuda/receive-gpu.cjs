// One gpu-* receive from a native copy sender over loopback, in a process of its own:
// the addon loads CUDA once per process, so a planted fault (FAKE_CUDA_FLIP_COPY) or a
// missing driver (ZCPROF_CUDA_LIBRARY) needs a fresh one. argv: addon path, file, mode,
// receive buffer bytes, CUDA device. Prints {error, result, expected} as one JSON line,
// expected being the file's CRC32C as this process hashed it.
'use strict'
const { readFileSync } = require('node:fs')
const [addonPath, file, mode, bufferBytes, gpuDevice] = process.argv.slice(2)
const addon = require(addonPath)
const l = addon.listen({ family: 'inet', host: '127.0.0.1', port: 0 })
let out = null
let sent = false
const done = () => {
  out.expected = addon.crc32c(readFileSync(file))
  process.stdout.write(JSON.stringify(out) + '\n')
}
addon.startReceiver(
  { mode, listenFd: l.fd, bufferBytes: Number(bufferBytes), checksum: true, gpuDevice: Number(gpuDevice) },
  (err, result) => {
    // a receiver that failed before accepting: closing the listener resets the sender
    addon.closeFd(l.fd)
    out = err ? { error: { code: err.code, message: err.message }, result: err.partial ?? null } : { error: null, result }
    if (sent) done()
  }
)
addon.startSender(
  { method: 'copy', file, chunkBytes: 65536, target: { family: 'inet', host: '127.0.0.1', port: l.port } },
  () => {
    // the sender's own outcome is not the question (it sees a reset when the receiver fails)
    sent = true
    if (out) done()
  }
)
