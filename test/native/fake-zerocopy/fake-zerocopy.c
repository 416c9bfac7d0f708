/*
 * A fake TCP_ZEROCOPY_RECEIVE for the mapped receiver's test, loaded with LD_PRELOAD:
 * loopback never maps a page, so the kernel's answers are scripted here instead.
 *
 * mmap(PROT_READ, MAP_SHARED) of a socket becomes an anonymous writable region, and
 * getsockopt(IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE) plays ZC_FAKE_ZEROCOPY, a comma list
 * of steps, one per call, then "zero" for every call after them:
 *   map:N      N bytes taken off the socket into the region: zc.length = N, capped as
 *              the kernel caps it: to the length asked, rounded down to whole pages
 *   skip:N     nothing mapped, recv_skip_hint = N (the receiver must recv exactly N)
 *   both:N:M   N mapped (capped likewise), then a skip hint of M
 *   zero       nothing mapped, no hint: what the kernel says of an empty queue whose
 *              peer is not done (here answered even while bytes are queued)
 *   err:NAME   the call fails with errno NAME (EINVAL, EOPNOTSUPP, ENOPROTOOPT, EIO:
 *              what the kernel answers when the queue is empty and the peer is done)
 *   zcerr:N:NAME  N mapped (capped likewise) and zc.err = -NAME: a socket error
 *              reported by a call that also mapped bytes
 * After the script every call answers as the kernel does on loopback: every queued
 * byte as a skip hint, 0/0 for an empty queue, EIO at EOF. An address that is not
 * page-aligned is refused with EINVAL, as the kernel refuses it.
 * Every other mmap and getsockopt goes straight to the kernel (syscall(2), so no
 * symbol lookup runs inside V8's own mmap calls).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int step_index;

/* the step-th entry of the script into buf; 0 when the script has no more */
static int script_step(int step, char *buf, size_t len) {
  const char *s = getenv("ZC_FAKE_ZEROCOPY");
  if (!s) return 0;
  for (int i = 0; i < step; i++) {
    s = strchr(s, ',');
    if (!s) return 0;
    s++;
  }
  size_t n = strcspn(s, ",");
  if (n == 0 || n >= len) return 0;
  memcpy(buf, s, n);
  buf[n] = 0;
  return 1;
}

static int errno_named(const char *name) {
  if (!strcmp(name, "EINVAL")) return EINVAL;
  if (!strcmp(name, "EOPNOTSUPP")) return EOPNOTSUPP;
  if (!strcmp(name, "ENOPROTOOPT")) return ENOPROTOOPT;
  if (!strcmp(name, "EIO")) return EIO;
  if (!strcmp(name, "ECONNRESET")) return ECONNRESET;
  /* a typo in a script must not pass as some other error */
  fprintf(stderr, "fake-zerocopy: unknown errno name '%s'\n", name);
  abort();
}

/* the addon links mmap64 (glibc's name with 64-bit offsets): both lead here */
static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  struct stat st;
  if (fd >= 0 && prot == PROT_READ && (flags & MAP_SHARED) && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) {
    addr = NULL;
    prot = PROT_READ | PROT_WRITE;
    flags = MAP_PRIVATE | MAP_ANONYMOUS;
    fd = -1;
    off = 0;
  }
  long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
  return (void *)r;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  return fake_mmap(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off) {
  return fake_mmap(addr, len, prot, flags, fd, (off_t)off);
}

#define FAKE_PAGE_BYTES 4096u

/* n bytes off the socket into p, or fewer at EOF */
static uint32_t take(int fd, uint64_t p, uint32_t n) {
  uint32_t got = 0;
  while (got < n) {
    ssize_t r = recv(fd, (char *)(uintptr_t)p + got, n - got, MSG_WAITALL);
    if (r <= 0) break;
    got += (uint32_t)r;
  }
  return got;
}

/* a scripted mapping, as the kernel bounds it: never more than the receiver asked
 * for, and whole pages only */
static uint32_t take_mapped(int fd, struct tcp_zerocopy_receive *zc, unsigned long n) {
  uint64_t cap = n < zc->length ? n : zc->length;
  cap = cap / FAKE_PAGE_BYTES * FAKE_PAGE_BYTES;
  return take(fd, zc->address, (uint32_t)cap);
}

/* loopback's answer: every queued byte as a skip hint; an empty queue is 0/0, or EIO
 * when the peer is done (tcp_zerocopy_receive) */
static int kernel_answer(int fd, struct tcp_zerocopy_receive *zc) {
  int inq = 0;
  zc->length = 0;
  if (ioctl(fd, FIONREAD, &inq) < 0) return -1;
  if (inq > 0) {
    zc->recv_skip_hint = (uint32_t)inq;
    return 0;
  }
  char b;
  ssize_t r = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
  if (r == 0) {
    errno = EIO;
    return -1;
  }
  return 0;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len) {
  if (level != IPPROTO_TCP || name != TCP_ZEROCOPY_RECEIVE)
    return (int)syscall(SYS_getsockopt, fd, level, name, val, len);
  struct tcp_zerocopy_receive *zc = val;
  char step[64], errname[32];
  unsigned long a = 0, b = 0;
  zc->recv_skip_hint = 0;
  zc->err = 0;
  if (zc->address % FAKE_PAGE_BYTES) {
    errno = EINVAL;
    return -1;
  }
  if (!script_step(step_index++, step, sizeof step)) {
    return kernel_answer(fd, zc);
  } else if (!strcmp(step, "zero")) {
    zc->length = 0;
  } else if (sscanf(step, "map:%lu", &a) == 1) {
    zc->length = take_mapped(fd, zc, a);
  } else if (sscanf(step, "skip:%lu", &a) == 1) {
    zc->length = 0;
    zc->recv_skip_hint = (uint32_t)a;
  } else if (sscanf(step, "both:%lu:%lu", &a, &b) == 2) {
    zc->length = take_mapped(fd, zc, a);
    zc->recv_skip_hint = (uint32_t)b;
  } else if (sscanf(step, "zcerr:%lu:%31s", &a, errname) == 2) {
    zc->length = take_mapped(fd, zc, a);
    zc->err = -errno_named(errname);
  } else if (!strncmp(step, "err:", 4)) {
    errno = errno_named(step + 4);
    return -1;
  } else {
    fprintf(stderr, "fake-zerocopy: unknown step '%s'\n", step);
    abort();
  }
  return 0;
}
