/* CRC32C (Castagnoli) for integrity checks, and page-cache control for trials. */
#define _GNU_SOURCE
#include "zc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t table[256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc_soft(uint32_t crc, const uint8_t *p, size_t len) {
  pthread_once(&table_once, make_table);
  while (len--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc_hw(uint32_t crc, const uint8_t *p, size_t len) {
  uint64_t c = crc;
  while (len && ((uintptr_t)p & 7)) {
    c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
    len--;
  }
  while (len >= 8) {
    uint64_t v;
    memcpy(&v, p, 8);
    c = __builtin_ia32_crc32di(c, v);
    p += 8;
    len -= 8;
  }
  while (len--) c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
  return (uint32_t)c;
}
#endif

uint32_t zc_crc32c(uint32_t crc, const void *buf, size_t len) {
  crc = ~crc;
#if defined(__x86_64__)
  if (__builtin_cpu_supports("sse4.2")) return ~crc_hw(crc, buf, len);
#endif
  return ~crc_soft(crc, buf, len);
}

/* Reads a whole file in 1 MiB blocks; hashes it when crc is given. */
static int read_all(int fd, uint32_t *crc, uint64_t *bytes, const char *why, zc_error *e) {
  const size_t bufsz = 1 << 20;
  uint8_t *buf = malloc(bufsz);
  if (!buf) {
    zc_error_set_errno(e, "malloc", ENOMEM, why);
    return -1;
  }
  uint64_t total = 0;
  int rc = 0;
  for (;;) {
    ssize_t n = read(fd, buf, bufsz);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      zc_error_set_errno(e, "read", errno, why);
      rc = -1;
    }
    if (n <= 0) break;
    if (crc) *crc = zc_crc32c(*crc, buf, (size_t)n);
    total += (uint64_t)n;
  }
  free(buf);
  if (bytes) *bytes = total;
  return rc;
}

int zc_file_crc32c(const char *path, uint32_t *out, uint64_t *out_bytes, zc_error *e) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    zc_error_set_errno(e, "open", errno, "cannot open the file to checksum");
    return -1;
  }
  *out = 0;
  int rc = read_all(fd, out, out_bytes, "cannot read the file to checksum", e);
  close(fd);
  return rc;
}

int zc_file_cache(const char *path, int warm, zc_error *e) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    zc_error_set_errno(e, "open", errno, "cannot open the file");
    return -1;
  }
  int rc = 0;
  if (warm) {
    rc = read_all(fd, NULL, NULL, "cannot read the file into the page cache", e);
  } else {
    /* dirty pages are not dropped: flush first so DONTNEED really evicts */
    fdatasync(fd);
    int r = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (r) {
      zc_error_set_errno(e, "posix_fadvise", r, "cannot evict the file from the page cache");
      rc = -1;
    }
  }
  close(fd);
  return rc;
}
