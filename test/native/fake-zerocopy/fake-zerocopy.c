/*
 * A fake TCP_ZEROCOPY_RECEIVE for the mapped receiver's test, loaded with LD_PRELOAD:
 * loopback never maps a page, so the kernel's answers are scripted here instead.
 *
 * mmap(PROT_READ, MAP_SHARED) of a socket becomes an anonymous writable region, and
 * getsockopt(IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE) plays ZC_FAKE_ZEROCOPY, a comma list
 * of steps, one per call, then "zero" for every call after them:
 *   map:N      N bytes taken off the socket into the region: zc.length = N
 *   skip:N     nothing mapped, recv_skip_hint = N (the receiver must recv exactly N)
 *   both:N:M   N mapped, then a skip hint of M
 *   zero       nothing mapped, no hint: the receiver falls back to a blocking recv
 *   err:NAME   the call fails with errno NAME (EINVAL, EOPNOTSUPP, ENOPROTOOPT, EIO:
 *              what the kernel answers when the queue is empty and the peer is done)
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
  return EIO;
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

int getsockopt(int fd, int level, int name, void *val, socklen_t *len) {
  if (level != IPPROTO_TCP || name != TCP_ZEROCOPY_RECEIVE)
    return (int)syscall(SYS_getsockopt, fd, level, name, val, len);
  struct tcp_zerocopy_receive *zc = val;
  char step[64];
  unsigned long a = 0, b = 0;
  zc->recv_skip_hint = 0;
  zc->err = 0;
  if (!script_step(step_index++, step, sizeof step) || !strcmp(step, "zero")) {
    zc->length = 0;
  } else if (sscanf(step, "map:%lu", &a) == 1) {
    zc->length = take(fd, zc->address, (uint32_t)a);
  } else if (sscanf(step, "skip:%lu", &a) == 1) {
    zc->length = 0;
    zc->recv_skip_hint = (uint32_t)a;
  } else if (sscanf(step, "both:%lu:%lu", &a, &b) == 2) {
    zc->length = take(fd, zc->address, (uint32_t)a);
    zc->recv_skip_hint = (uint32_t)b;
  } else if (!strncmp(step, "err:", 4)) {
    errno = errno_named(step + 4);
    return -1;
  } else {
    fprintf(stderr, "fake-zerocopy: unknown step '%s'\n", step);
    abort();
  }
  return 0;
}
