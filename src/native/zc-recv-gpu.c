/*
 * Receiving into GPU memory: the socket's bytes are received into host memory a chunk
 * at a time and each chunk is put in device memory (a ring of device slots of the
 * chunk's size: a data loader's staging, not a buffer for the whole stream).
 *
 *   gpu-pageable  recv into ordinary (pageable) memory, cuMemcpyHtoD: the driver
 *                 stages the copy through its own pinned buffer; one chunk at a time
 *   gpu-pinned    recv into two pinned buffers (cuMemAllocHost), cuMemcpyHtoDAsync:
 *                 the receive of chunk n+1 overlaps the copy of chunk n
 *   gpu-mapped    recv into two buffers registered with the GPU (cuMemHostRegister
 *                 DEVICEMAP); a kernel (zc_copy16, zc-gpu.c) reads them in place over
 *                 the bus into device memory, overlapped the same way
 *
 * The CUDA context, the device ring and the host buffers are set up before accept, so
 * their cost (setupNs, pinNs) is not in the trial's time. A chunk's bytes count as
 * received once its copy has finished: the trial ends when the last byte is in device
 * memory. With checksum on, each chunk is read back from device memory (cuMemcpyDtoH)
 * after its copy and hashed: the CRC is of what landed on the GPU, not of what recv saw.
 */
#define _GNU_SOURCE
#include "zc-recv.h"
#include "zc-gpu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* host buffers, and device slots, a pinned or mapped receive cycles through */
#define RECV_GPU_SLOTS 2

struct recv_gpu {
  const zc_cuda *cu;
  CUdevice dev;
  int retained;
  int slots;
  uint64_t chunk;
  CUdeviceptr dst; /* slots × chunk bytes of device memory */
  uint8_t *host;   /* slots × chunk bytes of host memory (c->buf for gpu-pageable) */
  uint64_t host_bytes;
  int host_pinned, host_registered, host_owned;
  CUdeviceptr host_dev; /* gpu-mapped: the host buffers as the GPU addresses them */
  CUmodule module;
  CUfunction kernel;
  CUevent begin[RECV_GPU_SLOTS], end[RECV_GPU_SLOTS];
  uint64_t pending[RECV_GPU_SLOTS]; /* bytes of slot s's copy in flight; 0: none */
  int next;                         /* the slot the next chunk goes to: the oldest in flight */
};

/* one CUDA call: counted, and a failure recorded */
#define CU(c, g, call, name)                                                                                       \
  do {                                                                                                             \
    zc_bump(&(c)->t->gpu_calls, 1);                                                                                \
    CUresult rc_ = (call);                                                                                         \
    if (rc_ != CUDA_SUCCESS) return zc_cuda_fail(&(c)->t->err, (g)->cu, rc_, name);                                \
  } while (0)

/* the receiving device: ZC_NO_GPU names the option that picks another */
static int pick_device(recv_ctx *c, struct recv_gpu *g) {
  int count = 0;
  zc_error e = {0};
  if (zc_gpu_device(g->cu, c->t->recv.gpu_device, &g->dev, &count, &e) == 0) return 0;
  if (strcmp(e.code, "ZC_NO_GPU") == 0) {
    char msg[200];
    if (count == 0) snprintf(msg, sizeof msg, "receiver mode %s: the CUDA driver loaded but sees no GPU",
                             zc_recv_mode_names[c->t->recv.mode]);
    else snprintf(msg, sizeof msg, "there is no GPU %d to receive into: this machine has %d (--receiver-gpu 0 to %d)",
                  c->t->recv.gpu_device, count, count - 1);
    zc_error_set(&e, "ZC_NO_GPU", msg);
  }
  c->t->err = e;
  return -1;
}

/* the context (blocking waits, so host CPU is the copying, not a spin), the ring, the events */
static int open_device(recv_ctx *c, struct recv_gpu *g) {
  zc_transfer *t = c->t;
  if (pick_device(c, g)) return -1;
  g->cu->primary_set_flags(g->dev, CU_CTX_SCHED_BLOCKING_SYNC);
  CUcontext ctx;
  CU(c, g, g->cu->primary_retain(&ctx, g->dev), "cuDevicePrimaryCtxRetain");
  g->retained = 1;
  CU(c, g, g->cu->ctx_set_current(ctx), "cuCtxSetCurrent");
  unsigned flags = 0;
  int active = 0;
  g->cu->primary_get_state(g->dev, &flags, &active);
  t->gpu.sync_blocking = (flags & CU_CTX_SCHED_MASK) == CU_CTX_SCHED_BLOCKING_SYNC;
  t->gpu.device_bytes = g->chunk * (uint64_t)g->slots;
  CU(c, g, g->cu->mem_alloc(&g->dst, t->gpu.device_bytes), "cuMemAlloc");
  for (int i = 0; i < g->slots; i++) {
    CU(c, g, g->cu->event_create(&g->begin[i], CU_EVENT_BLOCKING_SYNC), "cuEventCreate");
    CU(c, g, g->cu->event_create(&g->end[i], CU_EVENT_BLOCKING_SYNC), "cuEventCreate");
  }
  return 0;
}

/* the host side: the receive buffer itself, pinned buffers, or buffers the GPU maps */
static int open_host(recv_ctx *c, struct recv_gpu *g) {
  zc_transfer *t = c->t;
  zc_recv_mode m = t->recv.mode;
  if (m == ZC_RECV_GPU_PAGEABLE) {
    g->host = c->buf;
    return 0;
  }
  g->host_bytes = g->chunk * (uint64_t)g->slots;
  uint64_t t0 = zc_now_ns();
  if (m == ZC_RECV_GPU_PINNED) {
    void *p = NULL;
    CU(c, g, g->cu->mem_alloc_host(&p, g->host_bytes), "cuMemAllocHost");
    g->host = p;
    g->host_pinned = 1;
  } else {
    if (!(g->host = zc_buffer_alloc(g->host_bytes))) return zc_fail_io(t, "mmap", ENOMEM);
    g->host_owned = 1;
    CU(c, g, g->cu->host_register(g->host, g->host_bytes, CU_MEMHOSTREGISTER_DEVICEMAP), "cuMemHostRegister");
    g->host_registered = 1;
    CU(c, g, g->cu->host_device_pointer(&g->host_dev, g->host, 0), "cuMemHostGetDevicePointer");
  }
  t->gpu.pin_ns = zc_now_ns() - t0;
  if (m == ZC_RECV_GPU_MAPPED) {
    CU(c, g, g->cu->module_load_data(&g->module, zc_copy16_ptx), "cuModuleLoadData");
    CU(c, g, g->cu->module_get_function(&g->kernel, g->module, "zc_copy16"), "cuModuleGetFunction");
  }
  return 0;
}

int zc_recv_gpu_open(recv_ctx *c) {
  zc_transfer *t = c->t;
  uint64_t t0 = zc_now_ns();
  struct recv_gpu *g = calloc(1, sizeof *g);
  if (!g) return zc_fail_io(t, "calloc", ENOMEM);
  c->gpu = g;
  g->cu = zc_cuda_get(&t->err);
  if (!g->cu) return -1;
  g->slots = t->recv.mode == ZC_RECV_GPU_PAGEABLE ? 1 : RECV_GPU_SLOTS;
  g->chunk = c->buf_bytes;
  /* the kernel copies 16-byte words: each slot starts on one */
  if (t->recv.mode == ZC_RECV_GPU_MAPPED) g->chunk = g->chunk < 16 ? 16 : g->chunk / 16 * 16;
  t->effective_chunk_bytes = g->chunk;
  int rc = open_device(c, g) || open_host(c, g) ? -1 : 0;
  t->gpu.setup_ns = zc_now_ns() - t0 - t->gpu.pin_ns;
  return rc;
}

void zc_recv_gpu_close(recv_ctx *c) {
  struct recv_gpu *g = c->gpu;
  if (!g) return;
  const zc_cuda *cu = g->cu;
  if (cu) {
    /* a receive that failed may leave copies in flight from the host buffers: they end
     * before the buffers are let go */
    for (int i = 0; i < RECV_GPU_SLOTS; i++)
      if (g->pending[i]) cu->event_synchronize(g->end[i]);
    uint64_t t0 = zc_now_ns();
    if (g->host_registered) cu->host_unregister(g->host);
    if (g->host_pinned) cu->mem_free_host(g->host);
    c->t->gpu.unpin_ns = zc_now_ns() - t0;
    if (g->module) cu->module_unload(g->module);
    for (int i = 0; i < RECV_GPU_SLOTS; i++) {
      if (g->begin[i]) cu->event_destroy(g->begin[i]);
      if (g->end[i]) cu->event_destroy(g->end[i]);
    }
    if (g->dst) cu->mem_free(g->dst);
    if (g->retained) cu->primary_release(g->dev);
  }
  if (g->host_owned) zc_buffer_free(g->host, g->host_bytes);
  free(g);
  c->gpu = NULL;
}

/* recv until the chunk is full or the peer is done; *n bytes (0: EOF) */
static int fill(recv_ctx *c, uint8_t *buf, uint64_t cap, uint64_t *n) {
  *n = 0;
  while (*n < cap) {
    ssize_t r = recv(c->sock, buf + *n, (size_t)(cap - *n), 0);
    ZC_LOOP_CALL(c->t, ZC_SYS_RECVFROM);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return zc_fail_io(c->t, "recv", errno);
    if (r == 0) break;
    *n += (uint64_t)r;
    /* the first byte's time, and the CPU trace; bytes count once they are on the GPU */
    if (got(c, 0)) return -1;
  }
  return 0;
}

/* slot s's copy queued between its two events: a copy, or the kernel and a short tail */
static int issue(recv_ctx *c, struct recv_gpu *g, int s, uint64_t n) {
  uint64_t at = (uint64_t)s * g->chunk;
  CUdeviceptr to = g->dst + at;
  CU(c, g, g->cu->event_record(g->begin[s], NULL), "cuEventRecord");
  zc_recv_mode m = c->t->recv.mode;
  if (m == ZC_RECV_GPU_PAGEABLE) {
    CU(c, g, g->cu->memcpy_htod(to, g->host + at, n), "cuMemcpyHtoD");
  } else if (m == ZC_RECV_GPU_PINNED) {
    CU(c, g, g->cu->memcpy_htod_async(to, g->host + at, n, NULL), "cuMemcpyHtoDAsync");
  } else {
    CUdeviceptr from = g->host_dev + at;
    unsigned long long words = n / 16;
    if (words) {
      unsigned blocks = (unsigned)((words + ZC_GPU_KERNEL_THREADS - 1) / ZC_GPU_KERNEL_THREADS);
      if (blocks > ZC_GPU_KERNEL_MAX_BLOCKS) blocks = ZC_GPU_KERNEL_MAX_BLOCKS;
      void *args[] = {&from, &to, &words};
      CU(c, g, g->cu->launch_kernel(g->kernel, blocks, 1, 1, ZC_GPU_KERNEL_THREADS, 1, 1, 0, NULL, args, NULL),
         "cuLaunchKernel");
    }
    /* the stream's last bytes, short of a word */
    if (n % 16)
      CU(c, g, g->cu->memcpy_htod_async(to + words * 16, g->host + at + words * 16, n % 16, NULL),
         "cuMemcpyHtoDAsync");
  }
  CU(c, g, g->cu->event_record(g->end[s], NULL), "cuEventRecord");
  g->pending[s] = n;
  return 0;
}

/* waits for slot s's copy; its bytes are on the GPU: timed, counted, read back when hashing */
static int settle(recv_ctx *c, struct recv_gpu *g, int s) {
  uint64_t n = g->pending[s];
  if (!n) return 0;
  zc_transfer *t = c->t;
  CU(c, g, g->cu->event_synchronize(g->end[s]), "cuEventSynchronize");
  g->pending[s] = 0;
  float ms = 0;
  if (g->cu->event_elapsed(&ms, g->begin[s], g->end[s]) == CUDA_SUCCESS && ms > 0)
    t->gpu.gpu_ns += (uint64_t)((double)ms * 1e6);
  t->gpu.copied_bytes += n;
  t->gpu.copies++;
  if (c->checksum) {
    /* c->buf holds a chunk; in gpu-pageable its bytes were already copied */
    CU(c, g, g->cu->memcpy_dtoh(c->buf, g->dst + (uint64_t)s * g->chunk, n), "cuMemcpyDtoH");
    c->crc = zc_crc32c(c->crc, c->buf, (size_t)n);
    t->gpu.verified_bytes += n;
  }
  return got(c, n);
}

int zc_recv_gpu(recv_ctx *c) {
  struct recv_gpu *g = c->gpu;
  c->t->gpu.verified = c->checksum;
  for (;;) {
    int s = g->next;
    /* the slot's last copy is done before its buffer takes new bytes; the other's runs on */
    if (settle(c, g, s)) return -1;
    uint64_t n;
    if (fill(c, g->host + (uint64_t)s * g->chunk, g->chunk, &n)) return -1;
    if (n == 0) break;
    if (issue(c, g, s, n)) return -1;
    g->next = (s + 1) % g->slots;
  }
  /* oldest first, so the hash follows the stream's order */
  for (int i = 0; i < g->slots; i++)
    if (settle(c, g, (g->next + i) % g->slots)) return -1;
  return 0;
}
