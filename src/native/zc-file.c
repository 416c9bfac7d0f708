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

/*
 * Combining CRCs. A CRC is a remainder modulo the polynomial P in GF(2), so
 * crc(A ‖ B) = crc(A) · x^(8·|B|) mod P  ⊕  crc(B). Bit-reflected, as the table is:
 * the top bit stands for x^0. x^(2^k) mod P comes from a table of squarings.
 */
#define CRC32C_POLY 0x82F63B78u

/* a · b mod P */
static uint32_t multmodp(uint32_t a, uint32_t b) {
  uint32_t m = 1u << 31, p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = b & 1 ? (b >> 1) ^ CRC32C_POLY : b >> 1;
  }
  return p;
}

/* 64 squarings, no wrap-around: zlib wraps at 32, which needs x^(2^32) ≡ x mod P, true
 * of CRC-32's polynomial but not of Castagnoli's, and lengths here pass 2^29 bytes */
static uint32_t x2n_table[64];
static pthread_once_t x2n_once = PTHREAD_ONCE_INIT;

static void make_x2n(void) {
  uint32_t p = 1u << 30; /* x^1 */
  x2n_table[0] = p;
  for (int n = 1; n < 64; n++) x2n_table[n] = p = multmodp(p, p);
}

/* x^(n · 2^k) mod P */
static uint32_t x2nmodp(uint64_t n, unsigned k) {
  pthread_once(&x2n_once, make_x2n);
  uint32_t p = 1u << 31; /* x^0 */
  while (n) {
    if (n & 1) p = multmodp(x2n_table[k], p);
    n >>= 1;
    k++;
  }
  return p;
}

uint32_t zc_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  return multmodp(x2nmodp(len_b, 3), crc_a) ^ crc_b;
}

/* Reads a whole file in 1 MiB blocks; hashes it when crc is given, and its first
 * prefix_len bytes apart when prefix_crc is. */
static int read_all(int fd, uint32_t *crc, uint64_t *bytes, uint64_t prefix_len, uint32_t *prefix_crc,
                    const char *why, zc_error *e) {
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
    if (prefix_crc && total < prefix_len) {
      uint64_t take = prefix_len - total < (uint64_t)n ? prefix_len - total : (uint64_t)n;
      *prefix_crc = zc_crc32c(*prefix_crc, buf, (size_t)take);
    }
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
  int rc = read_all(fd, out, out_bytes, 0, NULL, "cannot read the file to checksum", e);
  close(fd);
  return rc;
}

/*
 * A looped trial sends the file k whole times and then a prefix of it. Its crc is
 * the file's crc combined with itself by doubling (log k steps) and then the
 * prefix's: one read of the file, however many gigabytes the trial moved.
 */
int zc_file_crc32c_repeated(const char *path, uint64_t total_bytes, uint32_t *out, zc_error *e) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    zc_error_set_errno(e, "open", errno, "cannot open the file to checksum");
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) < 0) {
    zc_error_set_errno(e, "fstat", errno, "cannot stat the file to checksum");
    close(fd);
    return -1;
  }
  uint64_t size = (uint64_t)st.st_size;
  *out = 0;
  if (total_bytes == 0) {
    close(fd);
    return 0;
  }
  if (size == 0) {
    close(fd);
    zc_error_set(e, "ZC_EMPTY_FILE", "an empty file cannot make a stream of bytes");
    return -1;
  }
  uint64_t whole = total_bytes / size, rest = total_bytes % size, got = 0;
  uint32_t file_crc = 0, prefix_crc = 0;
  int rc = read_all(fd, &file_crc, &got, rest, &prefix_crc, "cannot read the file to checksum", e);
  close(fd);
  if (rc) return rc;
  if (got != size) {
    zc_error_set(e, "ZC_SHORT_FILE", "the file changed size while it was being checksummed");
    return -1;
  }
  uint32_t crc = 0, power = file_crc;
  uint64_t power_len = size;
  for (uint64_t k = whole; k; k >>= 1) {
    if (k & 1) crc = zc_crc32c_combine(crc, power, power_len);
    if (k > 1) {
      power = zc_crc32c_combine(power, power, power_len);
      power_len *= 2;
    }
  }
  *out = rest ? zc_crc32c_combine(crc, prefix_crc, rest) : crc;
  return 0;
}

int zc_file_cache(const char *path, int warm, zc_error *e) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    zc_error_set_errno(e, "open", errno, "cannot open the file");
    return -1;
  }
  int rc = 0;
  if (warm) {
    rc = read_all(fd, NULL, NULL, 0, NULL, "cannot read the file into the page cache", e);
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
