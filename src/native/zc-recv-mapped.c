/*
 * The mapped receiver: the kernel maps the socket's pages into a region of ours with
 * getsockopt(TCP_ZEROCOPY_RECEIVE) instead of copying them, and we read them through
 * the mapping. Bytes it cannot map (the head of the queue not on whole, NIC-filled
 * pages: its recv_skip_hint) are read with recv. When it maps nothing and hints
 * nothing the queue is empty: poll waits for bytes and the kernel is asked again (EOF
 * comes as EIO, which recv confirms).
 *
 * The share that was mapped is counted from the kernel's own answers (zc.length and
 * recv_skip_hint), per byte: recv_mapped_bytes and recv_copied_bytes on the transfer.
 * Current kernels map only pages a NIC driver filled: on loopback and veth every byte
 * comes back through the skip hint.
 */
#define _GNU_SOURCE
#include "zc-recv.h"

#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* the region mapped into: the chunk rounded up to pages, and never less than this */
#define MAPPED_MIN_REGION_BYTES (256u * 1024u)

/* bytes read through the mapping: hashed, or one byte per page touched so the kernel
 * really hands each page over (a mapping never read costs nothing to "receive") */
static void read_mapped(recv_ctx *c, const uint8_t *p, size_t n, size_t page) {
  if (c->checksum) {
    c->crc = zc_crc32c(c->crc, p, n);
    return;
  }
  volatile uint8_t sink = 0;
  for (size_t off = 0; off < n; off += page) sink ^= p[off];
  (void)sink;
}

/* recv of exactly `want` bytes (or until EOF) into the buffer, counted as copied;
 * returns the bytes read, 0 at EOF, -1 with the error recorded */
static int64_t copy_some(recv_ctx *c, uint64_t want, int wait_all) {
  uint64_t done = 0;
  while (done < want) {
    uint64_t left = want - done;
    size_t n_ask = left < c->buf_bytes ? (size_t)left : (size_t)c->buf_bytes;
    ssize_t n = recv(c->sock, c->buf, n_ask, 0);
    ZC_LOOP_CALL(c->t, ZC_SYS_RECVFROM);
    if (n < 0) {
      if (errno == EINTR) continue;
      return zc_fail_io(c->t, "recv", errno);
    }
    if (n == 0) break;
    if (c->checksum) c->crc = zc_crc32c(c->crc, c->buf, (size_t)n);
    zc_bump(&c->t->recv_copied_bytes, (uint64_t)n);
    if (got(c, (uint64_t)n)) return -1;
    done += (uint64_t)n;
    if (!wait_all) break;
  }
  return (int64_t)done;
}

int zc_recv_mapped(recv_ctx *c) {
  zc_transfer *t = c->t;
  long page_l = sysconf(_SC_PAGESIZE);
  size_t page = page_l > 0 ? (size_t)page_l : 4096;
  uint64_t region = (c->buf_bytes + page - 1) / page * page;
  if (region < MAPPED_MIN_REGION_BYTES) region = MAPPED_MIN_REGION_BYTES;
  /* TCP_ZEROCOPY_RECEIVE takes a 32-bit length: a whole number of pages under 4 GiB */
  if (region > 0x80000000ull) region = 0x80000000ull;
  void *addr = mmap(NULL, region, PROT_READ, MAP_SHARED, c->sock, 0);
  if (addr == MAP_FAILED)
    return zc_error_unsupported(&t->err, "mmap", errno,
                                "receiver mode mapped: this socket cannot be mapped (mmap of a TCP socket "
                                "failed); use --receiver read");
  t->effective_chunk_bytes = region;
  int rc = 0, first = 1;
  for (;;) {
    if (zc_cancelled(t)) break;
    struct tcp_zerocopy_receive zc;
    memset(&zc, 0, sizeof zc);
    zc.address = (uint64_t)(uintptr_t)addr;
    zc.length = (uint32_t)region;
    socklen_t zl = sizeof zc;
    int r = getsockopt(c->sock, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc, &zl);
    ZC_LOOP_CALL(t, ZC_SYS_GETSOCKOPT);
    if (r < 0) {
      int err = errno;
      if (err == EINTR || err == EAGAIN) continue;
      /* a kernel without the option says so at the first call: not a failed transfer */
      if (first && (err == ENOPROTOOPT || err == EOPNOTSUPP)) {
        rc = zc_error_unsupported(&t->err, "getsockopt", err,
                                  "receiver mode mapped: this kernel has no TCP_ZEROCOPY_RECEIVE; use --receiver read");
        break;
      }
      if (err != EIO) {
        rc = zc_fail_io(t, "getsockopt", err);
        break;
      }
      /* EIO: the queue is empty and the peer is done (tcp_zerocopy_receive). recv says
       * whether that is EOF, with any byte that raced in */
      int64_t n = copy_some(c, c->buf_bytes, 0);
      if (n < 0) {
        rc = -1;
        break;
      }
      if (n == 0) break;
      continue;
    }
    first = 0;
    uint64_t mapped = zc.length;
    if (mapped > region) {
      rc = zc_fail_io(t, "getsockopt", EOVERFLOW);
      break;
    }
    if (mapped) {
      zc_note_cpu(t);
      read_mapped(c, addr, (size_t)mapped, page);
      zc_bump(&t->recv_mapped_bytes, mapped);
      /* the pages go back to the socket; the region is used again */
      int m = madvise(addr, (size_t)((mapped + page - 1) / page * page), MADV_DONTNEED);
      ZC_LOOP_CALL(t, ZC_SYS_MADVISE);
      if (m < 0) {
        rc = zc_fail_io(t, "madvise", errno);
        break;
      }
      if (got(c, mapped)) {
        rc = -1;
        break;
      }
    }
    if (zc.recv_skip_hint) {
      /* the head of the queue the kernel would not map: exactly that many bytes, by copy */
      int64_t n = copy_some(c, zc.recv_skip_hint, 1);
      if (n < 0) {
        rc = -1;
        break;
      }
      if (n == 0 && !zc.err) break; /* EOF */
    }
    /* a socket error reported with this answer: its mapped and hinted bytes arrived
     * and are counted above, then the receive fails */
    if (zc.err) {
      rc = zc_fail_io(t, "getsockopt", zc.err < 0 ? -zc.err : zc.err);
      break;
    }
    if (!mapped && !zc.recv_skip_hint) {
      /* nothing queued and the peer not done (EOF comes as EIO): wait for bytes in
       * poll slices (cancel is checked at the loop's top) and ask the kernel again, so
       * what arrives can still be mapped; a recv here would copy it */
      struct pollfd p = {c->sock, POLLIN | POLLRDHUP, 0};
      int pr = poll(&p, 1, ZC_POLL_SLICE_MS);
      ZC_LOOP_CALL(t, ZC_SYS_POLL);
      if (pr < 0 && errno != EINTR) {
        rc = zc_fail_io(t, "poll", errno);
        break;
      }
    }
  }
  munmap(addr, region);
  return rc;
}
