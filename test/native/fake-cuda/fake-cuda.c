/*
 * A fake CUDA driver, NVML and cuFile on host memory, for tests on machines without a
 * GPU: "device memory" is host memory, copies are memcpy, the one kernel zcprof loads
 * (zc_copy16) runs on the CPU. It checks what a real driver would refuse: copies
 * outside an allocation, device pointers to unmapped host memory, a module that is not
 * zcprof's PTX, calls without a current context. The test builds it with cc -shared.
 *
 * FAKE_CUDA_DEVICES: how many devices it claims (default 1).
 * FAKE_CUDA_FLIP_COPY=N: the Nth copy into device memory (a cuMemcpyHtoD or a
 * zc_copy16 kernel, counted from 1) lands with its first byte inverted: a planted
 * corruption that a byte-exact check must catch.
 * FAKE_CUDA_DMABUF=1: it says it can export device memory as a dma-buf (attribute 124).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;
enum { OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, INVALID_IMAGE = 200,
       INVALID_CONTEXT = 201, NOT_FOUND = 500, INVALID_DEVICE = 101 };

#define MAX_REGIONS 64
typedef struct { uintptr_t base; size_t bytes; unsigned flags; int used; } region;
static region device_allocs[MAX_REGIONS], host_regions[MAX_REGIONS];
/* as the driver: the current context is the calling thread's, and the primary context
 * lives while anyone retains it (streams of one trial each retain it on their thread) */
static int inited, primary_flags = 0, primary_refs;
static __thread int current_ctx;
static int ctx_token;

static int devices(void) {
  const char *v = getenv("FAKE_CUDA_DEVICES");
  return v ? atoi(v) : 1;
}
/* the tables are shared by every stream's thread: one lock around each look */
static pthread_mutex_t regions_lock = PTHREAD_MUTEX_INITIALIZER;
static region *find(region *rs, uintptr_t p, size_t n) {
  region *out = NULL;
  pthread_mutex_lock(&regions_lock);
  for (int i = 0; i < MAX_REGIONS && !out; i++)
    if (rs[i].used && p >= rs[i].base && p + n <= rs[i].base + rs[i].bytes) out = &rs[i];
  pthread_mutex_unlock(&regions_lock);
  return out;
}
static region *add(region *rs, uintptr_t p, size_t n, unsigned flags) {
  region *out = NULL;
  pthread_mutex_lock(&regions_lock);
  for (int i = 0; i < MAX_REGIONS && !out; i++)
    if (!rs[i].used) {
      rs[i] = (region){p, n, flags, 1};
      out = &rs[i];
    }
  pthread_mutex_unlock(&regions_lock);
  return out;
}
static int drop(region *rs, uintptr_t p) {
  int rc = -1;
  pthread_mutex_lock(&regions_lock);
  for (int i = 0; i < MAX_REGIONS && rc; i++)
    if (rs[i].used && rs[i].base == p) {
      rs[i].used = 0;
      rc = 0;
    }
  pthread_mutex_unlock(&regions_lock);
  return rc;
}
#define NEED_CTX() \
  do { if (!inited) return NOT_INITIALIZED; if (!current_ctx) return INVALID_CONTEXT; } while (0)

CUresult cuInit(unsigned f) { (void)f; inited = 1; return OK; }
CUresult cuDriverGetVersion(int *v) { *v = 13000; return OK; }
CUresult cuDeviceGetCount(int *n) { if (!inited) return NOT_INITIALIZED; *n = devices(); return OK; }
CUresult cuDeviceGet(int *d, int i) { if (i < 0 || i >= devices()) return INVALID_DEVICE; *d = i; return OK; }
CUresult cuDeviceGetName(char *name, int len, int d) { snprintf(name, (size_t)len, "zcprof fake GPU %d (host memory)", d); return OK; }
CUresult cuDeviceTotalMem_v2(size_t *b, int d) { (void)d; *b = (size_t)8 << 30; return OK; }
CUresult cuDeviceGetAttribute(int *v, int attr, int d) {
  (void)d;
  const char *dmabuf = getenv("FAKE_CUDA_DMABUF");
  *v = attr == 75 ? 9 : attr == 76 ? 0 : attr == 19 ? 1 : attr == 124 ? (dmabuf && *dmabuf == '1') : 0;
  return OK;
}
CUresult cuDeviceGetPCIBusId(char *id, int len, int d) { snprintf(id, (size_t)len, "00000000:%02X:00.0", 0x40 + d); return OK; }
CUresult cuDevicePrimaryCtxRetain(void **ctx, int d) { (void)d; __atomic_add_fetch(&primary_refs, 1, __ATOMIC_SEQ_CST); *ctx = &ctx_token; return OK; }
CUresult cuDevicePrimaryCtxRelease_v2(int d) { (void)d; __atomic_sub_fetch(&primary_refs, 1, __ATOMIC_SEQ_CST); current_ctx = 0; return OK; }
CUresult cuDevicePrimaryCtxSetFlags_v2(int d, unsigned f) { (void)d; primary_flags = (int)f; return OK; }
CUresult cuDevicePrimaryCtxGetState(int d, unsigned *f, int *active) { (void)d; *f = (unsigned)primary_flags; *active = current_ctx; return OK; }
CUresult cuCtxSetCurrent(void *ctx) { current_ctx = ctx == &ctx_token; return current_ctx ? OK : INVALID_CONTEXT; }

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t n) {
  NEED_CTX();
  void *m = aligned_alloc(4096, (n + 4095) / 4096 * 4096);
  if (!m) return OUT_OF_MEMORY;
  /* garbage, as fresh device memory may hold: a copy that misses a byte shows */
  memset(m, 0xA5, n);
  add(device_allocs, (uintptr_t)m, n, 0);
  *p = (CUdeviceptr)(uintptr_t)m;
  return OK;
}
CUresult cuMemFree_v2(CUdeviceptr p) { if (drop(device_allocs, (uintptr_t)p)) return INVALID_VALUE; free((void *)(uintptr_t)p); return OK; }
CUresult cuMemAllocHost_v2(void **p, size_t n) {
  NEED_CTX();
  *p = aligned_alloc(4096, (n + 4095) / 4096 * 4096);
  if (!*p) return OUT_OF_MEMORY;
  add(host_regions, (uintptr_t)*p, n, 0x02 | 0x100);
  return OK;
}
CUresult cuMemFreeHost(void *p) { if (drop(host_regions, (uintptr_t)p)) return INVALID_VALUE; free(p); return OK; }
CUresult cuMemHostRegister_v2(void *p, size_t n, unsigned flags) {
  NEED_CTX();
  if ((uintptr_t)p % 4096) return INVALID_VALUE;
  /* the pages must be readable: touch each, as pinning would */
  volatile const char *c = p;
  for (size_t i = 0; i < n; i += 4096) (void)c[i];
  return add(host_regions, (uintptr_t)p, n, flags) ? OK : OUT_OF_MEMORY;
}
CUresult cuMemHostUnregister(void *p) { return drop(host_regions, (uintptr_t)p) ? INVALID_VALUE : OK; }
CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr *d, void *p, unsigned f) {
  (void)f;
  NEED_CTX();
  region *r = find(host_regions, (uintptr_t)p, 1);
  if (!r || !(r->flags & 0x02)) return INVALID_VALUE;
  *d = (CUdeviceptr)(uintptr_t)p;
  return OK;
}
/* a copy has landed n bytes at d: the planted corruption, on the copy it names */
static void landed(CUdeviceptr d, size_t n) {
  static long copies;
  const char *v = getenv("FAKE_CUDA_FLIP_COPY");
  if (__atomic_add_fetch(&copies, 1, __ATOMIC_SEQ_CST) == (v ? atol(v) : 0) && n) *(unsigned char *)(uintptr_t)d ^= 0xFF;
}
static CUresult htod(CUdeviceptr d, const void *s, size_t n) {
  NEED_CTX();
  if (!find(device_allocs, (uintptr_t)d, n)) return INVALID_VALUE;
  memcpy((void *)(uintptr_t)d, s, n);
  landed(d, n);
  return OK;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr d, const void *s, size_t n) { return htod(d, s, n); }
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr d, const void *s, size_t n, void *st) { (void)st; return htod(d, s, n); }
/* a device-side copy: from device memory or mapped host memory, into an allocation */
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr d, CUdeviceptr s, size_t n, void *st) {
  (void)st;
  NEED_CTX();
  region *r = find(host_regions, (uintptr_t)s, n);
  if (!find(device_allocs, (uintptr_t)d, n) || (!find(device_allocs, (uintptr_t)s, n) && !(r && (r->flags & 0x02))))
    return INVALID_VALUE;
  memcpy((void *)(uintptr_t)d, (const void *)(uintptr_t)s, n);
  landed(d, n);
  return OK;
}
CUresult cuMemcpyDtoH_v2(void *h, CUdeviceptr d, size_t n) {
  NEED_CTX();
  if (!find(device_allocs, (uintptr_t)d, n)) return INVALID_VALUE;
  memcpy(h, (void *)(uintptr_t)d, n);
  return OK;
}
typedef struct { double ms; int recorded; } event;
static double now_ms(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6; }
CUresult cuEventCreate(void **e, unsigned f) { (void)f; NEED_CTX(); *e = calloc(1, sizeof(event)); return OK; }
CUresult cuEventRecord(void *e, void *s) { (void)s; NEED_CTX(); ((event *)e)->ms = now_ms(); ((event *)e)->recorded = 1; return OK; }
CUresult cuEventSynchronize(void *e) { return ((event *)e)->recorded ? OK : INVALID_VALUE; }
CUresult cuEventElapsedTime(float *ms, void *a, void *b) { *ms = (float)(((event *)b)->ms - ((event *)a)->ms); return OK; }
CUresult cuEventDestroy_v2(void *e) { free(e); return OK; }
CUresult cuStreamSynchronize(void *s) { (void)s; return OK; }
static int module_token, function_token;
CUresult cuModuleLoadData(void **m, const void *image) {
  NEED_CTX();
  const char *ptx = image;
  if (!strstr(ptx, ".version") || !strstr(ptx, ".entry zc_copy16(")) return INVALID_IMAGE;
  *m = &module_token;
  return OK;
}
CUresult cuModuleGetFunction(void **f, void *m, const char *name) {
  if (m != &module_token || strcmp(name, "zc_copy16")) return NOT_FOUND;
  *f = &function_token;
  return OK;
}
CUresult cuModuleUnload(void *m) { return m == &module_token ? OK : INVALID_VALUE; }
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shm, void *s, void **args, void **extra) {
  (void)gy; (void)gz; (void)by; (void)bz; (void)shm; (void)s; (void)extra;
  NEED_CTX();
  if (f != &function_token || !gx || !bx) return INVALID_VALUE;
  CUdeviceptr src = *(CUdeviceptr *)args[0], dst = *(CUdeviceptr *)args[1];
  unsigned long long words = *(unsigned long long *)args[2];
  region *r = find(host_regions, (uintptr_t)src, words * 16);
  /* the kernel reads mapped host memory, 16-byte aligned, into an allocation */
  if (!r || !(r->flags & 0x02) || src % 16 || dst % 16 || !find(device_allocs, (uintptr_t)dst, words * 16)) return INVALID_VALUE;
  memcpy((void *)(uintptr_t)dst, (void *)(uintptr_t)src, words * 16);
  landed(dst, words * 16);
  return OK;
}
CUresult cuGetErrorName(CUresult rc, const char **s) {
  static char buf[32];
  snprintf(buf, sizeof buf, "FAKE_CUDA_ERROR_%d", rc);
  *s = buf;
  return OK;
}

/* NVML */
int nvmlInit_v2(void) { return 0; }
int nvmlShutdown(void) { return 0; }
int nvmlDeviceGetHandleByPciBusId_v2(const char *id, void **d) { (void)id; *d = &module_token; return 0; }
int nvmlDeviceGetCurrPcieLinkGeneration(void *d, unsigned *v) { (void)d; *v = 4; return 0; }
int nvmlDeviceGetCurrPcieLinkWidth(void *d, unsigned *v) { (void)d; *v = 16; return 0; }
int nvmlDeviceGetMaxPcieLinkGeneration(void *d, unsigned *v) { (void)d; *v = 5; return 0; }
int nvmlDeviceGetMaxPcieLinkWidth(void *d, unsigned *v) { (void)d; *v = 16; return 0; }
int nvmlSystemGetDriverVersion(char *v, unsigned n) { snprintf(v, n, "580.0-fake"); return 0; }

/* cuFile: reads with pread into the "device" buffer */
typedef struct { int err, cu_err; } cufile_error;
typedef struct { int type; union { int fd; void *handle; } handle; const void *ops; } cufile_descr;
static int driver_open;
cufile_error cuFileDriverOpen(void) { driver_open = 1; return (cufile_error){0, 0}; }
cufile_error cuFileDriverClose_v2(void) { driver_open = 0; return (cufile_error){0, 0}; }
cufile_error cuFileHandleRegister(void **fh, cufile_descr *d) {
  if (!driver_open || d->type != 1) return (cufile_error){5001, 0};
  /* the fd may be O_DIRECT: the fake reads through a buffered one */
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", d->handle.fd);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return (cufile_error){5002, 0};
  *fh = (void *)(intptr_t)(fd + 1);
  return (cufile_error){0, 0};
}
void cuFileHandleDeregister(void *fh) { close((int)(intptr_t)fh - 1); }
cufile_error cuFileBufRegister(const void *p, size_t n, int f) {
  (void)f;
  return find(device_allocs, (uintptr_t)p, n) ? (cufile_error){0, 0} : (cufile_error){5003, 0};
}
cufile_error cuFileBufDeregister(const void *p) { (void)p; return (cufile_error){0, 0}; }
ssize_t cuFileRead(void *fh, void *base, size_t n, off_t file_off, off_t buf_off) {
  if (!find(device_allocs, (uintptr_t)base + (uintptr_t)buf_off, n)) return -22;
  return pread((int)(intptr_t)fh - 1, (char *)base + buf_off, n, file_off);
}
