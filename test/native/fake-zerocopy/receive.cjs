// The mapped receiver against one native copy sender over loopback, in a process of its
// own so that LD_PRELOAD (fake-zerocopy.so) can stand in for the kernel's answers.
// argv: addon path, file, receive buffer bytes. Prints {error, result} as one JSON line.
'use strict'
const [addonPath, file, bufferBytes] = process.argv.slice(2)
const addon = require(addonPath)
const l = addon.listen({ family: 'inet', host: '127.0.0.1', port: 0 })
let out = null
const done = () => {
  addon.closeFd(l.fd)
  process.stdout.write(JSON.stringify(out) + '\n')
}
addon.startReceiver(
  { mode: 'mapped', listenFd: l.fd, bufferBytes: Number(bufferBytes), checksum: true },
  (err, result) => {
    out = err
      ? { error: { code: err.code, errno: err.errno, syscall: err.syscall, message: err.message }, result: err.partial }
      : { error: null, result }
    if (sent) done()
  }
)
let sent = false
addon.startSender(
  { method: 'copy', file, chunkBytes: 65536, target: { family: 'inet', host: '127.0.0.1', port: l.port } },
  () => {
    // the sender's own outcome is not the question (it sees EPIPE when the receiver fails)
    sent = true
    if (out) done()
  }
)
