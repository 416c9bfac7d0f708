// One large WebSocket message in flight at a time, across every connection of a server.
// A message may be ~100 MiB (a report being imported) and ws holds it whole until its
// last frame: four browsers sending at once held 1 GiB. Past the small cap a connection
// must hold the gate; the others that pass it wait, their sockets paused, until the
// holder's message has been handled (arrived, parsed, imported) or its connection has
// gone. Small messages never wait.

import type { Duplex } from 'node:stream'

/** what the gate pauses: the WebSocket, not its socket, whose pause ws undoes on its next drain */
interface Pausable {
  pause(): void
  resume(): void
}

export class LargeMessageGate {
  private holder: object | null = null
  private readonly waiting: { who: object; resume: () => void }[] = []

  constructor(private readonly smallBytes: number) {}

  /**
   * Count what arrives on socket (before ws parses it) against the message being received.
   * Returns `arrived`, to call on each whole message, `done`, once a large one has been
   * handled, and `gone`, on close.
   */
  watch(socket: Duplex, ws: Pausable): { arrived(messageBytes: number): void; done(): void; gone(): void } {
    const who = {}
    let pendingBytes = 0
    /** a large message of this page's is being handled: only done() ends its hold */
    let handling = false
    // before ws's own listener, so a chunk is counted before the message it ends is emitted
    socket.prependListener('data', (chunk: Buffer) => {
      pendingBytes += chunk.length
      if (pendingBytes <= this.smallBytes || this.holder === who) return
      if (this.holder === null) {
        this.holder = who
        return
      }
      if (this.waiting.some((w) => w.who === who)) return
      ws.pause()
      this.waiting.push({ who, resume: () => ws.resume() })
    })
    const release = () => {
      const i = this.waiting.findIndex((w) => w.who === who)
      if (i >= 0) this.waiting.splice(i, 1)
      if (this.holder !== who) return
      this.holder = null
      const next = this.waiting.shift()
      if (next) {
        this.holder = next.who
        next.resume()
      }
    }
    return {
      arrived: (messageBytes) => {
        pendingBytes = 0
        // a waiter whose message ended within the chunk that paused it reads on
        const i = this.waiting.findIndex((w) => w.who === who)
        if (i >= 0) this.waiting.splice(i, 1)[0].resume()
        if (messageBytes > this.smallBytes) handling = true
        // small messages that came in a run of chunks past the small cap took the gate: give it back
        else if (!handling) release()
      },
      done: () => {
        handling = false
        release()
      },
      gone: release
    }
  }

  /** for tests and the bench: who holds it, how many wait */
  get state(): { held: boolean; waiting: number } {
    return { held: this.holder !== null, waiting: this.waiting.length }
  }
}
