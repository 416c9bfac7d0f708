/*
 * Into GPU memory: the file's bytes land in one device buffer of the file's size (a
 * looped trial writes it again each pass), by the same next_piece rule as the socket
 * methods. The context waits for the GPU by blocking (CU_CTX_SCHED_BLOCKING_SYNC) unless
 * asked to spin, so host CPU figures measure the copying, not a spin loop.
 *
 *   gpu-copy          read() into a pageable buffer, cuMemcpyHtoD (the driver bounces it)
 *   gpu-pinned        read() into two pinned buffers, async copies overlapped with reads
 *   gpu-register      mmap + cuMemHostRegister(READ_ONLY): DMA straight from page-cache pages
 *   gpu-mapped        the same pages mapped into the GPU; a kernel (PTX) reads them in place
 *   gpu-cufile        cuFileRead (GPUDirect Storage, or its compatibility mode)
 *   gpu-mem-pageable  the file first read into pageable host memory (not timed), then copied
 *   gpu-mem-pinned    the same from pinned host memory
 */
#define _GNU_SOURCE
#include "zc-send.h"
#include "zc-gpu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* async copies or kernels in flight before the loop waits for the oldest */
#define GPU_INFLIGHT 2


typedef struct {
  send_ctx *c;
  const zc_cuda *cu;
  CUdevice dev;
  int retained;
  CUdeviceptr dst;
  CUevent start, end;
  CUevent slot_ev[GPU_INFLIGHT];
  uint64_t slot_bytes[GPU_INFLIGHT];
  /* host memory the method pinned or allocated */
  void *host;
  uint64_t host_bytes;
  int host_registered, host_pinned;
  CUmodule module;
  CUfunction kernel;
  void *cufile_handle;
  int cufile_buf;
  int cufile_open;
  int direct_fd;
} gpu_ctx;

/* one CUDA call by the loop: counted, and a failure recorded */
#define CU(g, call, name)                                                                                          \
  do {                                                                                                             \
    zc_bump(&(g)->c->t->gpu_calls, 1);                                                                             \
    CUresult rc_ = (call);                                                                                         \
    if (rc_ != CUDA_SUCCESS) return zc_cuda_fail(&(g)->c->t->err, (g)->cu, rc_, name);                             \
  } while (0)

static uint64_t page_round(uint64_t n) {
  uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
  return (n + page - 1) / page * page;
}

/* the context (blocking or spinning waits), the device buffer, the events */
static int gpu_open(gpu_ctx *g) {
  zc_transfer *t = g->c->t;
  g->cu = zc_cuda_get(&t->err);
  if (!g->cu) return -1;
  int count;
  if (zc_gpu_device(g->cu, t->send.gpu_device, &g->dev, &count, &t->err)) return -1;
  unsigned want = t->send.gpu_spin ? CU_CTX_SCHED_SPIN : CU_CTX_SCHED_BLOCKING_SYNC;
  /* an active primary context may refuse new flags: what it runs with is read back below */
  g->cu->primary_set_flags(g->dev, want);
  CUcontext ctx;
  CU(g, g->cu->primary_retain(&ctx, g->dev), "cuDevicePrimaryCtxRetain");
  g->retained = 1;
  CU(g, g->cu->ctx_set_current(ctx), "cuCtxSetCurrent");
  unsigned flags = 0;
  int active = 0;
  g->cu->primary_get_state(g->dev, &flags, &active);
  t->gpu.sync_blocking = (flags & CU_CTX_SCHED_MASK) == CU_CTX_SCHED_BLOCKING_SYNC;
  uint64_t bytes = g->c->size ? g->c->size : 1;
  t->gpu.device_bytes = g->c->size;
  CUresult rc = g->cu->mem_alloc(&g->dst, bytes);
  zc_bump(&t->gpu_calls, 1);
  if (rc != CUDA_SUCCESS) {
    char name[128] = "the GPU", msg[400];
    size_t total = 0;
    g->cu->device_name(name, sizeof name, g->dev);
    g->cu->device_total_mem(&total, g->dev);
    snprintf(msg, sizeof msg, "cannot allocate %llu bytes of GPU memory for the file (%s has %llu): send a smaller file",
             (unsigned long long)bytes, name, (unsigned long long)total);
    zc_error_set(&t->err, "ZC_GPU_MEMORY", msg);
    snprintf(t->err.syscall, sizeof t->err.syscall, "cuMemAlloc");
    return -1;
  }
  unsigned ev_flags = t->send.gpu_spin ? 0 : CU_EVENT_BLOCKING_SYNC;
  CU(g, g->cu->event_create(&g->start, ev_flags), "cuEventCreate");
  CU(g, g->cu->event_create(&g->end, ev_flags), "cuEventCreate");
  for (int i = 0; i < GPU_INFLIGHT; i++) CU(g, g->cu->event_create(&g->slot_ev[i], ev_flags), "cuEventCreate");
  return 0;
}

static void gpu_close(gpu_ctx *g) {
  const zc_cuda *cu = g->cu;
  if (!cu) return;
  uint64_t t0 = zc_now_ns();
  if (g->cufile_buf) zc_cufile_get(&(zc_error){0})->buf_deregister((void *)(uintptr_t)g->dst);
  if (g->cufile_handle) zc_cufile_get(&(zc_error){0})->handle_deregister(g->cufile_handle);
  if (g->host_registered) cu->host_unregister(g->host);
  if (g->host_pinned) cu->mem_free_host(g->host);
  g->c->t->gpu.unpin_ns = zc_now_ns() - t0;
  if (g->cufile_open) zc_cufile_get(&(zc_error){0})->driver_close();
  if (g->direct_fd >= 0) close(g->direct_fd);
  if (g->host && !g->host_pinned && g->c->map != g->host) zc_buffer_free(g->host, g->host_bytes);
  if (g->module) cu->module_unload(g->module);
  for (int i = 0; i < GPU_INFLIGHT; i++)
    if (g->slot_ev[i]) cu->event_destroy(g->slot_ev[i]);
  if (g->start) cu->event_destroy(g->start);
  if (g->end) cu->event_destroy(g->end);
  if (g->dst) cu->mem_free(g->dst);
  if (g->retained) cu->primary_release(g->dev);
}

/* read() want bytes at the file's current offset into buf (back to its start on a new pass) */
static int read_piece(send_ctx *c, uint8_t *buf, uint64_t want) {
  if (c->rewound) {
    off_t r = lseek(c->file_fd, 0, SEEK_SET);
    ZC_LOOP_CALL(c->t, ZC_SYS_LSEEK);
    if (r < 0) return zc_fail_io(c->t, "lseek", errno);
  }
  for (uint64_t got = 0; got < want;) {
    ssize_t n = read(c->file_fd, buf + got, want - got);
    ZC_LOOP_CALL(c->t, ZC_SYS_READ);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return zc_fail_io(c->t, "read", errno);
    if (n == 0) return short_file(c);
    got += (uint64_t)n;
  }
  return 0;
}

static int settle_slot(gpu_ctx *g, int s);
static int queued(gpu_ctx *g, int s, uint64_t want);
static int settle_all(gpu_ctx *g);

/* one copy per piece from host memory at base + offset. Pageable memory: synchronous,
 * the driver stages it. Pinned: DMA queued GPU_INFLIGHT deep, so waking for one copy's
 * end overlaps the next (a blocking wait per copy would idle the link between them). */
static int copy_from(gpu_ctx *g, const uint8_t *base, int pinned) {
  send_ctx *c = g->c;
  int s = 0;
  for (uint64_t want; (want = next_piece(c)) > 0; c->off += want) {
    if (!pinned) {
      CU(g, g->cu->memcpy_htod(g->dst + c->off, base + c->off, want), "cuMemcpyHtoD");
      moved(c, want);
      continue;
    }
    if (settle_slot(g, s)) return -1;
    CU(g, g->cu->memcpy_htod_async(g->dst + c->off, base + c->off, want, NULL), "cuMemcpyHtoDAsync");
    if (queued(g, s, want)) return -1;
    s = (s + 1) % GPU_INFLIGHT;
  }
  return settle_all(g);
}

static int gpu_copy(gpu_ctx *g) {
  send_ctx *c = g->c;
  /* g->host, so gpu_close frees it on any way out */
  g->host_bytes = c->chunk;
  uint8_t *buf = g->host = zc_buffer_alloc(c->chunk);
  if (!buf) return zc_fail_io(c->t, "mmap", ENOMEM);
  for (uint64_t want; (want = next_piece(c)) > 0; c->off += want) {
    if (read_piece(c, buf, want)) return -1;
    CU(g, g->cu->memcpy_htod(g->dst + c->off, buf, want), "cuMemcpyHtoD");
    moved(c, want);
  }
  return 0;
}

/* waits for slot s's copy (or kernel) to finish, and counts its bytes as moved: they
 * counted toward the trial's bound (c->sent) when they were queued */
static int settle_slot(gpu_ctx *g, int s) {
  if (!g->slot_bytes[s]) return 0;
  CU(g, g->cu->event_synchronize(g->slot_ev[s]), "cuEventSynchronize");
  zc_bump(&g->c->t->bytes, g->slot_bytes[s]);
  g->slot_bytes[s] = 0;
  return 0;
}

/* slot s's work is queued: its event marks the end, and its bytes count toward the bound */
static int queued(gpu_ctx *g, int s, uint64_t want) {
  CU(g, g->cu->event_record(g->slot_ev[s], NULL), "cuEventRecord");
  g->slot_bytes[s] = want;
  g->c->sent += want;
  return 0;
}

static int settle_all(gpu_ctx *g) {
  for (int i = 0; i < GPU_INFLIGHT; i++)
    if (settle_slot(g, i)) return -1;
  return 0;
}

static int gpu_pinned(gpu_ctx *g) {
  send_ctx *c = g->c;
  g->host_bytes = c->chunk * GPU_INFLIGHT;
  uint64_t t0 = zc_now_ns();
  CU(g, g->cu->mem_alloc_host(&g->host, g->host_bytes), "cuMemAllocHost");
  g->host_pinned = 1;
  c->t->gpu.pin_ns += zc_now_ns() - t0;
  int s = 0;
  for (uint64_t want; (want = next_piece(c)) > 0; c->off += want, s = (s + 1) % GPU_INFLIGHT) {
    /* the slot's buffer is free once its last copy is done: the read of this piece
     * overlaps the other slot's copy */
    if (settle_slot(g, s)) return -1;
    uint8_t *buf = (uint8_t *)g->host + (uint64_t)s * c->chunk;
    if (read_piece(c, buf, want)) return -1;
    CU(g, g->cu->memcpy_htod_async(g->dst + c->off, buf, want, NULL), "cuMemcpyHtoDAsync");
    if (queued(g, s, want)) return -1;
  }
  return settle_all(g);
}

/* the file's pages pinned where they are: what registering costs is reported apart */
static int register_map(gpu_ctx *g, unsigned flags) {
  send_ctx *c = g->c;
  if (!c->size) return 0;
  g->host = (void *)c->map;
  g->host_bytes = page_round(c->size);
  uint64_t t0 = zc_now_ns();
  CU(g, g->cu->host_register(g->host, g->host_bytes, flags | CU_MEMHOSTREGISTER_READ_ONLY), "cuMemHostRegister");
  g->host_registered = 1;
  c->t->gpu.pin_ns += zc_now_ns() - t0;
  return 0;
}

static int gpu_register(gpu_ctx *g) {
  if (register_map(g, 0)) return -1;
  return copy_from(g, g->c->map, 1);
}

static int gpu_mapped(gpu_ctx *g) {
  send_ctx *c = g->c;
  /* 16-byte words: a piece starts on a word, so the chunk is a multiple of 16 */
  c->chunk = c->chunk < 16 ? 16 : c->chunk / 16 * 16;
  c->t->effective_chunk_bytes = c->chunk;
  uint64_t t0 = zc_now_ns();
  CU(g, g->cu->module_load_data(&g->module, zc_copy16_ptx), "cuModuleLoadData");
  CU(g, g->cu->module_get_function(&g->kernel, g->module, "zc_copy16"), "cuModuleGetFunction");
  c->t->gpu.setup_ns += zc_now_ns() - t0;
  if (register_map(g, CU_MEMHOSTREGISTER_DEVICEMAP)) return -1;
  CUdeviceptr src = 0;
  if (c->size) CU(g, g->cu->host_device_pointer(&src, g->host, 0), "cuMemHostGetDevicePointer");
  int s = 0;
  for (uint64_t want; (want = next_piece(c)) > 0; c->off += want, s = (s + 1) % GPU_INFLIGHT) {
    if (settle_slot(g, s)) return -1;
    CUdeviceptr from = src + c->off, to = g->dst + c->off;
    unsigned long long words = want / 16;
    if (words) {
      unsigned blocks = (unsigned)((words + ZC_GPU_KERNEL_THREADS - 1) / ZC_GPU_KERNEL_THREADS);
      if (blocks > ZC_GPU_KERNEL_MAX_BLOCKS) blocks = ZC_GPU_KERNEL_MAX_BLOCKS;
      void *args[] = {&from, &to, &words};
      CU(g, g->cu->launch_kernel(g->kernel, blocks, 1, 1, ZC_GPU_KERNEL_THREADS, 1, 1, 0, NULL, args, NULL),
         "cuLaunchKernel");
    }
    /* the file's last few bytes, short of a word */
    if (want % 16)
      CU(g, g->cu->memcpy_htod_async(to + words * 16, c->map + c->off + words * 16, want % 16, NULL),
         "cuMemcpyHtoDAsync");
    if (queued(g, s, want)) return -1;
  }
  return settle_all(g);
}

static int gpu_cufile(gpu_ctx *g) {
  send_ctx *c = g->c;
  zc_transfer *t = c->t;
  const zc_cufile *cf = zc_cufile_get(&t->err);
  if (!cf) return -1;
  t->gpu.storage_mode = zc_cufile_mode();
  zc_cufile_error e = cf->driver_open();
  if (e.err != 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "cuFileDriverOpen failed (%s, %d; CUDA %d): GPUDirect Storage is not usable here",
             zc_cufile_error_name(e.err), e.err, e.cu_err);
    return zc_error_unsupported(&t->err, "cuFileDriverOpen", 0, msg);
  }
  g->cufile_open = 1;
  /* O_DIRECT, as GPUDirect Storage wants; a file system without it gets a buffered fd */
  g->direct_fd = open(t->send.file, O_RDONLY | O_DIRECT | O_CLOEXEC);
  if (g->direct_fd < 0) g->direct_fd = open(t->send.file, O_RDONLY | O_CLOEXEC);
  if (g->direct_fd < 0) return zc_fail_io(t, "open", errno);
  zc_cufile_descr d = {.type = 1, .handle.fd = g->direct_fd};
  uint64_t t0 = zc_now_ns();
  e = cf->handle_register(&g->cufile_handle, &d);
  if (e.err != 0) {
    g->cufile_handle = NULL;
    char msg[200];
    snprintf(msg, sizeof msg,
             "cuFileHandleRegister refused the file (%s, %d): libcufile's reason is in cufile.log, in the working directory",
             zc_cufile_error_name(e.err), e.err);
    return zc_error_unsupported(&t->err, "cuFileHandleRegister", 0, msg);
  }
  e = cf->buf_register((void *)(uintptr_t)g->dst, c->size ? c->size : 1, 0);
  if (e.err == 0) g->cufile_buf = 1;
  t->gpu.pin_ns += zc_now_ns() - t0;
  for (uint64_t want; (want = next_piece(c)) > 0;) {
    zc_bump(&t->gpu_calls, 1);
    ssize_t n = cf->read(g->cufile_handle, (void *)(uintptr_t)g->dst, want, (off_t)c->off, (off_t)c->off);
    if (n < 0) {
      char msg[120];
      snprintf(msg, sizeof msg, "cuFileRead failed (%zd)", n);
      zc_error_set(&t->err, "ZC_CUDA", msg);
      snprintf(t->err.syscall, sizeof t->err.syscall, "cuFileRead");
      return -1;
    }
    if (n == 0) return short_file(c);
    moved(c, (uint64_t)n);
    c->off += (uint64_t)n;
  }
  return 0;
}

/* the whole file in host memory first, before the clock: then memory → GPU alone */
static int gpu_mem(gpu_ctx *g, int pinned) {
  send_ctx *c = g->c;
  g->host_bytes = c->size ? c->size : 1;
  if (pinned) {
    uint64_t t0 = zc_now_ns();
    CU(g, g->cu->mem_alloc_host(&g->host, g->host_bytes), "cuMemAllocHost");
    g->host_pinned = 1;
    c->t->gpu.pin_ns += zc_now_ns() - t0;
  } else if (!(g->host = zc_buffer_alloc(g->host_bytes))) {
    return zc_fail_io(c->t, "mmap", ENOMEM);
  }
  return 0;
}

static int gpu_mem_fill(gpu_ctx *g) {
  send_ctx *c = g->c;
  for (uint64_t got = 0; got < c->size;) {
    ssize_t n = pread(c->file_fd, (uint8_t *)g->host + got, c->size - got, (off_t)got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return zc_fail_io(c->t, "pread", errno);
    if (n == 0) return short_file(c);
    got += (uint64_t)n;
  }
  return 0;
}

/* after the clock: the device buffer back to the host, checksummed (what landed, not what was sent) */
static int verify(gpu_ctx *g) {
  send_ctx *c = g->c;
  uint64_t n = c->sent < c->size ? c->sent : c->size;
  if (!n) {
    c->t->gpu.verified = 1;
    return 0;
  }
  uint8_t *back = zc_buffer_alloc(n);
  if (!back) return zc_fail_io(c->t, "mmap", ENOMEM);
  CUresult rc = g->cu->memcpy_dtoh(back, g->dst, n);
  if (rc == CUDA_SUCCESS) {
    c->t->crc32c = zc_crc32c(0, back, n);
    c->t->gpu.verified = 1;
    c->t->gpu.verified_bytes = n;
  }
  zc_buffer_free(back, n);
  return rc == CUDA_SUCCESS ? 0 : zc_cuda_fail(&c->t->err, g->cu, rc, "cuMemcpyDtoH");
}

int zc_send_gpu(send_ctx *c) {
  zc_transfer *t = c->t;
  zc_method m = t->send.method;
  gpu_ctx g = {.c = c, .direct_fd = -1};
  int rc = -1;
  uint64_t t0 = zc_now_ns();
  if (gpu_open(&g)) goto out;
  t->gpu.setup_ns = zc_now_ns() - t0;
  /* host memory the method moves from, before the clock */
  if (m == ZC_METHOD_GPU_MEM_PAGEABLE || m == ZC_METHOD_GPU_MEM_PINNED) {
    if (gpu_mem(&g, m == ZC_METHOD_GPU_MEM_PINNED) || gpu_mem_fill(&g)) goto out;
  }
  atomic_store(&t->phase, ZC_PHASE_CONNECTED);
  uint64_t first = zc_now_ns();
  atomic_store(&t->first_byte_ns, first);
  atomic_store(&t->phase, ZC_PHASE_MOVING);
  if (t->send.duration_ns) c->deadline_ns = first + t->send.duration_ns;
  zc_bump(&t->gpu_calls, 1);
  g.cu->event_record(g.start, NULL);
  int moving_failed;
  switch (m) {
  case ZC_METHOD_GPU_COPY: moving_failed = gpu_copy(&g); break;
  case ZC_METHOD_GPU_PINNED: moving_failed = gpu_pinned(&g); break;
  case ZC_METHOD_GPU_REGISTER: moving_failed = gpu_register(&g); break;
  case ZC_METHOD_GPU_MAPPED: moving_failed = gpu_mapped(&g); break;
  case ZC_METHOD_GPU_CUFILE: moving_failed = gpu_cufile(&g); break;
  default: moving_failed = copy_from(&g, g.host, m == ZC_METHOD_GPU_MEM_PINNED); break;
  }
  zc_bump(&t->gpu_calls, 2);
  g.cu->event_record(g.end, NULL);
  g.cu->event_synchronize(g.end);
  atomic_store(&t->last_byte_ns, zc_now_ns());
  float ms = 0;
  if (g.cu->event_elapsed(&ms, g.start, g.end) == CUDA_SUCCESS) t->gpu.gpu_ns = (uint64_t)((double)ms * 1e6);
  if (moving_failed) goto out;
  if (zc_cancelled(t)) {
    zc_error_set(&t->err, "ZC_CANCELLED", "cancelled");
    goto out;
  }
  if (t->send.gpu_verify && verify(&g)) goto out;
  rc = 0;
out:
  gpu_close(&g);
  return rc;
}
