/*
 * The yardstick for `npm run bench:gpu-receivers`: the smallest C program that receives
 * from a loopback TCP socket into host memory and puts the bytes in GPU memory, each
 * of the three ways zcprof's gpu-* receiver modes do. A child process sends; this one
 * receives a chunk at a time and copies it to a device buffer of two chunk-sized slots:
 *
 *   pageable  recv into malloc'd memory, cuMemcpyHtoD (synchronous)
 *   pinned    recv into two cuMemAllocHost buffers, cuMemcpyHtoDAsync, the receive of
 *             chunk n+1 overlapping the copy of chunk n (an event per slot)
 *   mapped    recv into two buffers registered with cuMemHostRegister(DEVICEMAP); the
 *             GPU reads them in place with a device-side copy (cuMemcpyDtoD from the
 *             mapped pointer: the copy engine, where zcprof launches a kernel)
 *
 *   gpu-recv-baseline MODE TOTAL_BYTES CHUNK_BYTES [DEVICE]
 *     -> {"mode":..,"bytes":..,"ns":..,"cpuNs":..,"crc32c":..}
 *
 * libcuda is loaded with dlopen (ZCPROF_CUDA_LIBRARY names another file, as zcprof's
 * loader reads it), nothing is needed at build time: cc -O2 -o gpu-recv-baseline
 * gpu-recv-baseline.c -ldl. Timing: the first recv to the last copy's end,
 * CLOCK_MONOTONIC; cpuNs is this (receiving) process's CPU over that time
 * (getrusage), the sender's apart. lastChunkOk: the device buffer's last chunk, read
 * back, hashes (bitwise CRC32C) as the sender's pattern does: a copy that lands nothing shows.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;
static struct {
  CUresult (*init)(unsigned);
  CUresult (*device_get)(int *, int);
  CUresult (*retain)(void **, int);
  CUresult (*set_current)(void *);
  CUresult (*mem_alloc)(CUdeviceptr *, size_t);
  CUresult (*alloc_host)(void **, size_t);
  CUresult (*host_register)(void *, size_t, unsigned);
  CUresult (*host_device_pointer)(CUdeviceptr *, void *, unsigned);
  CUresult (*htod)(CUdeviceptr, const void *, size_t);
  CUresult (*htod_async)(CUdeviceptr, const void *, size_t, void *);
  CUresult (*dtod_async)(CUdeviceptr, CUdeviceptr, size_t, void *);
  CUresult (*dtoh)(void *, CUdeviceptr, size_t);
  CUresult (*event_create)(void **, unsigned);
  CUresult (*event_record)(void *, void *);
  CUresult (*event_sync)(void *);
} cu;

#define CHECK(call)                                                                                                \
  do {                                                                                                             \
    CUresult rc_ = (call);                                                                                         \
    if (rc_ != 0) {                                                                                                \
      fprintf(stderr, "%s failed: %d\n", #call, rc_);                                                              \
      exit(1);                                                                                                     \
    }                                                                                                              \
  } while (0)

static void load(void) {
  const char *path = getenv("ZCPROF_CUDA_LIBRARY");
  void *lib = dlopen(path && *path ? path : "libcuda.so.1", RTLD_NOW);
  if (!lib) {
    fprintf(stderr, "no CUDA driver: %s\n", dlerror());
    exit(2);
  }
  const char *names[] = {"cuInit", "cuDeviceGet", "cuDevicePrimaryCtxRetain", "cuCtxSetCurrent", "cuMemAlloc_v2",
                         "cuMemAllocHost_v2", "cuMemHostRegister_v2", "cuMemHostGetDevicePointer_v2",
                         "cuMemcpyHtoD_v2", "cuMemcpyHtoDAsync_v2", "cuMemcpyDtoDAsync_v2", "cuMemcpyDtoH_v2",
                         "cuEventCreate", "cuEventRecord", "cuEventSynchronize"};
  void **slots = (void **)&cu;
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (!(slots[i] = dlsym(lib, names[i]))) {
      fprintf(stderr, "the CUDA driver has no %s\n", names[i]);
      exit(2);
    }
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (uint64_t)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000000u +
         (uint64_t)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1000u;
}

static uint32_t crc32c(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
  }
  return c ^ 0xffffffffu;
}

/* the child: TOTAL bytes of a repeating pattern, then close */
static void send_all(int port, uint64_t total, size_t chunk) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr *)&a, sizeof a)) _exit(1);
  uint8_t *buf = malloc(chunk);
  for (size_t i = 0; i < chunk; i++) buf[i] = (uint8_t)(i * 131 + 7);
  /* chunk by chunk from the pattern's start: the receiver's chunks are the same */
  for (uint64_t sent = 0; sent < total;) {
    size_t want = total - sent < chunk ? (size_t)(total - sent) : chunk;
    for (size_t off = 0; off < want;) {
      ssize_t n = send(s, buf + off, want - off, 0);
      if (n <= 0) _exit(1);
      off += (size_t)n;
    }
    sent += want;
  }
  close(s);
  _exit(0);
}

static size_t fill(int s, uint8_t *buf, size_t cap) {
  size_t got = 0;
  while (got < cap) {
    ssize_t n = recv(s, buf + got, cap - got, 0);
    if (n <= 0) break;
    got += (size_t)n;
  }
  return got;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: gpu-recv-baseline pageable|pinned|mapped TOTAL_BYTES CHUNK_BYTES [DEVICE]\n");
    return 2;
  }
  const char *mode = argv[1];
  uint64_t total = strtoull(argv[2], NULL, 10);
  size_t chunk = (size_t)strtoull(argv[3], NULL, 10);
  int device = argc > 4 ? atoi(argv[4]) : 0;
  int pageable = !strcmp(mode, "pageable"), pinned = !strcmp(mode, "pinned"), mapped = !strcmp(mode, "mapped");
  if (!pageable && !pinned && !mapped) return 2;
  load();
  int dev;
  void *ctx;
  CHECK(cu.init(0));
  CHECK(cu.device_get(&dev, device));
  CHECK(cu.retain(&ctx, dev));
  CHECK(cu.set_current(ctx));
  CUdeviceptr dst, host_dev = 0;
  CHECK(cu.mem_alloc(&dst, 2 * chunk));
  uint8_t *host;
  if (pinned) CHECK(cu.alloc_host((void **)&host, 2 * chunk));
  else if (posix_memalign((void **)&host, 4096, 2 * chunk)) return 1;
  if (mapped) {
    CHECK(cu.host_register(host, 2 * chunk, 0x02 /* DEVICEMAP */));
    CHECK(cu.host_device_pointer(&host_dev, host, 0));
  }
  void *ev[2];
  CHECK(cu.event_create(&ev[0], 0x01 /* BLOCKING_SYNC */));
  CHECK(cu.event_create(&ev[1], 0x01));

  int l = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &al)) return 1;
  pid_t child = fork();
  if (child == 0) send_all(ntohs(a.sin_port), total, chunk);
  int s = accept(l, NULL, NULL);
  /* the clock from the data connection: the first chunk's receive is in it */
  uint64_t t0 = now_ns(), c0 = cpu_ns();

  uint64_t bytes = 0;
  size_t pending[2] = {0, 0}, last = 0;
  int last_slot = 0;
  for (int slot = 0;; slot ^= 1) {
    if (pending[slot]) CHECK(cu.event_sync(ev[slot]));
    pending[slot] = 0;
    uint8_t *buf = host + (pageable ? 0 : (size_t)slot * chunk);
    size_t n = fill(s, buf, chunk);
    if (!n) break;
    CUdeviceptr to = dst + (size_t)slot * chunk;
    if (pageable) CHECK(cu.htod(to, buf, n));
    else if (pinned) CHECK(cu.htod_async(to, buf, n, NULL));
    else CHECK(cu.dtod_async(to, host_dev + (size_t)slot * chunk, n, NULL));
    CHECK(cu.event_record(ev[slot], NULL));
    pending[slot] = n;
    bytes += n;
    last = n;
    last_slot = slot;
  }
  for (int i = 0; i < 2; i++)
    if (pending[i]) CHECK(cu.event_sync(ev[i]));
  uint64_t ns = now_ns() - t0, cpu = cpu_ns() - c0;
  uint8_t *back = malloc(chunk);
  CHECK(cu.dtoh(back, dst + (size_t)last_slot * chunk, last));
  /* the last chunk is the sender's pattern from its start: what landed, against what was sent */
  for (size_t i = 0; i < last; i++) host[i] = (uint8_t)(i * 131 + 7);
  int ok = crc32c(back, last) == crc32c(host, last);
  waitpid(child, NULL, 0);
  printf("{\"mode\":\"%s\",\"bytes\":%llu,\"ns\":%llu,\"cpuNs\":%llu,\"lastChunkOk\":%s}\n", mode,
         (unsigned long long)bytes, (unsigned long long)ns, (unsigned long long)cpu, ok ? "true" : "false");
  return bytes == total && ok ? 0 : 1;
}
