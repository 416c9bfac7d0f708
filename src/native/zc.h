/*
 * zcprof native core: a plain C API, no Node-API in sight. The napi-*.c files
 * are the only ones that know about JavaScript.
 *
 * A transfer (sender or receiver) runs its loop on its own pthread. Progress is
 * published through relaxed atomics written by that thread alone, so a sampler
 * can read it at any time without stopping the loop.
 */
#ifndef ZC_H
#define ZC_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- errors: code + errno + syscall, the way they reach JS ---- */
typedef struct {
  int failed;
  int errnum;            /* errno, 0 when the error is zcprof's own */
  char code[32];         /* "ECONNREFUSED", or "ZC_UNSUPPORTED", "ZC_SHORT_FILE", ... */
  char syscall[24];      /* the call that failed, "" when none */
  char message[240];
} zc_error;

void zc_error_set_errno(zc_error *e, const char *syscall, int errnum, const char *what);
void zc_error_set(zc_error *e, const char *code, const char *message);
/* ZC_UNSUPPORTED: this kernel or socket cannot do what the method needs. errnum and
 * syscall say what refused it, where something did (0 and NULL otherwise). Returns -1. */
int zc_error_unsupported(zc_error *e, const char *syscall, int errnum, const char *message);

/* ---- counters for one thread ---- */
enum { ZC_SRC_NONE = 0, ZC_SRC_PMU, ZC_SRC_PERF_SW, ZC_SRC_RUSAGE, ZC_SRC_PROC };

typedef struct {
  uint64_t cycles, instructions;            /* valid when hw_source == ZC_SRC_PMU */
  uint64_t task_clock_ns;                   /* on-CPU time, user + kernel */
  uint64_t ctx_switches;                    /* voluntary + involuntary */
  uint64_t ctx_voluntary, ctx_involuntary;
  uint64_t page_faults, minor_faults, major_faults;
  int hw_source, clock_source, ctx_source, fault_source, split_source;
} zc_counter_values;

typedef struct {
  pid_t tid;
  int fd_cycles, fd_instructions, fd_task_clock, fd_ctx, fd_faults;
  int hw_errnum;                            /* why the PMU is closed, 0 when open */
  char hw_reason[200];
  zc_counter_values final;                  /* written by the thread before it exits */
  atomic_int final_valid;
} zc_counters;

typedef enum { ZC_PMU_AUTO = 0, ZC_PMU_OFF = 1 } zc_pmu_mode;

/* Once per process, before any transfer: reads settings so that transfer threads
 * make no syscalls beyond their own (strace compares them by name). */
void zc_counters_init(void);
/* Called on the measured thread: counts that thread only, user + kernel. */
void zc_counters_open(zc_counters *c, zc_pmu_mode mode);
/* Called on the measured thread as its last act; the thread's /proc entry dies with it. */
void zc_counters_finish(zc_counters *c);
/* Any thread, any time after open. With split 0 a live read skips /proc (the
 * voluntary/involuntary and minor/major splits) when perf covers the totals:
 * it is what a sampler needs, at a fraction of the cost. */
void zc_counters_read(zc_counters *c, zc_counter_values *out, int split);
void zc_counters_close(zc_counters *c);

/* ---- data syscalls a loop makes, counted by the loop itself ---- */
enum {
  ZC_SYS_READ, ZC_SYS_WRITE, ZC_SYS_SENDFILE, ZC_SYS_SPLICE, ZC_SYS_SENDTO,
  ZC_SYS_RECVFROM, ZC_SYS_RECVMSG, ZC_SYS_POLL, ZC_SYS_LSEEK,
  ZC_SYS_IO_URING_SETUP, ZC_SYS_IO_URING_REGISTER, ZC_SYS_IO_URING_ENTER,
  /* read() of /proc to measure io_uring's own threads: the thread's, but not the data's */
  ZC_SYS_READ_PROC,
  /* the mapped receiver: TCP_ZEROCOPY_RECEIVE, and the pages handed back */
  ZC_SYS_GETSOCKOPT, ZC_SYS_MADVISE, ZC_SYS_COUNT
};
extern const char *const zc_syscall_names[ZC_SYS_COUNT];

/* ---- addresses ---- */
typedef enum { ZC_FAMILY_INET = 0, ZC_FAMILY_INET6 = 1, ZC_FAMILY_UNIX = 2 } zc_family;
typedef struct {
  zc_family family;
  char host[64];       /* numeric address for inet/inet6 */
  int port;
  char path[108];      /* for unix */
} zc_address;

int zc_listen(const zc_address *a, int backlog, int *out_fd, int *out_port, zc_error *e);
struct sockaddr_storage;
/* the port of an inet/inet6 address; 0 for others (unix sockets) */
int zc_sockaddr_port(const struct sockaddr_storage *ss);
/* polls, when given, counts the poll() calls made while waiting: they are the thread's syscalls too */
int zc_connect(const zc_address *a, int timeout_ms, const atomic_int *cancel, _Atomic uint64_t *polls, int *out_fd,
               zc_error *e);

typedef struct {
  int valid;
  uint32_t rtt_us, rttvar_us, snd_cwnd, snd_mss, total_retrans;
  uint64_t busy_us, rwnd_limited_us, sndbuf_limited_us, delivery_rate_bytes_per_sec;
} zc_tcp_info;
void zc_tcp_info_read(int fd, zc_tcp_info *out);

/* ---- transfers ---- */
/* bytes per call when none is given: the sender's chunk and the receiver's buffer */
#define ZC_DEFAULT_CHUNK_BYTES 131072
/* the most a pipe is asked to hold: F_SETPIPE_SZ takes an int */
#define ZC_PIPE_MAX_BYTES (1u << 30)

/* where a transfer is; its names are napi-glue.c's, in this order */
typedef enum {
  ZC_PHASE_STARTING = 0, /* opening, mapping, connecting or waiting to accept */
  ZC_PHASE_CONNECTED,    /* the data connection is up, no byte moved yet */
  ZC_PHASE_MOVING,       /* the first byte went (sender) or came (receiver) */
  ZC_PHASE_DONE
} zc_phase;
typedef enum {
  ZC_METHOD_COPY = 0, ZC_METHOD_MMAP, ZC_METHOD_SENDFILE, ZC_METHOD_SPLICE, ZC_METHOD_MSG_ZEROCOPY,
  ZC_METHOD_URING_SEND, ZC_METHOD_URING_SPLICE, ZC_METHOD_URING_SEND_ZC,
  /* into GPU memory (zc-send-gpu.c): no socket, the device is the target */
  ZC_METHOD_GPU_COPY, ZC_METHOD_GPU_PINNED, ZC_METHOD_GPU_REGISTER, ZC_METHOD_GPU_MAPPED, ZC_METHOD_GPU_CUFILE,
  ZC_METHOD_GPU_MEM_PAGEABLE, ZC_METHOD_GPU_MEM_PINNED,
  ZC_METHOD_COUNT
} zc_method;
typedef enum {
  ZC_RECV_READ = 0, ZC_RECV_SPLICE, ZC_RECV_DISCARD, ZC_RECV_URING,
  ZC_RECV_MAPPED,   /* TCP_ZEROCOPY_RECEIVE (zc-recv-mapped.c): TCP only */
  /* into GPU memory (zc-recv-gpu.c): recv into host memory, then to the device */
  ZC_RECV_GPU_PAGEABLE, ZC_RECV_GPU_PINNED, ZC_RECV_GPU_MAPPED,
  ZC_RECV_COUNT
} zc_recv_mode;

/* SQEs in flight per ring when the plan names none, and the most it may */
#define ZC_URING_DEFAULT_DEPTH 32
#define ZC_URING_MAX_DEPTH 4096

/* io_uring settings of a transfer that uses a ring */
typedef struct {
  unsigned depth;   /* SQEs in flight; 0: ZC_URING_DEFAULT_DEPTH */
  int sqpoll;       /* a kernel thread polls the submission ring: no system call to submit */
} zc_uring_config;

extern const char *const zc_method_names[ZC_METHOD_COUNT];
extern const char *const zc_recv_mode_names[ZC_RECV_COUNT];

/* where a transfer thread may run: pinned to a set of CPUs, or wherever the scheduler likes */
typedef struct {
  int pinned;               /* 0: not pinned */
  cpu_set_t cpus;
} zc_placement;

/* CPUs the loop was seen on: sched_getcpu() per call (rseq/vDSO, no syscall) */
#define ZC_MAX_CPUS 1024
typedef struct {
  _Atomic uint64_t seen[ZC_MAX_CPUS / 64];
  atomic_int last;          /* -1 before the first look */
  _Atomic uint64_t migrations;
} zc_cpu_trace;

/* A live reader's memory of which of this process's tasks are a transfer's io_uring
 * workers: each task's name is read once, not at every sample */
#define ZC_TASK_CACHE 256
typedef struct {
  int n;
  int tid[ZC_TASK_CACHE];
  unsigned char mine[ZC_TASK_CACHE];
} zc_task_cache;

typedef struct zc_transfer zc_transfer;
typedef void (*zc_done_fn)(zc_transfer *t, void *user);

typedef struct {
  zc_method method;
  char file[4096];
  uint64_t chunk_bytes;
  zc_address target;
  int connect_timeout_ms;
  int confirm_timeout_ms;   /* wait for the receiver to close after our EOF */
  zc_pmu_mode pmu;
  /* How long a trial is: with loop 0, one pass over the file. With loop 1 the file
   * starts again at its end, until limit_bytes are sent or duration_ns has passed
   * since the first send (whichever is set; both 0 with loop 1 is refused). */
  int loop;
  uint64_t limit_bytes;
  uint64_t duration_ns;
  zc_placement placement;
  zc_uring_config uring;    /* the uring-* methods */
  int gpu_device;           /* the gpu-* methods: the CUDA device index */
  int gpu_spin;             /* wait for the GPU by spinning, not blocking (CU_CTX_SCHED_SPIN) */
  int gpu_verify;           /* copy the device buffer back after the trial and checksum it */
} zc_sender_config;

/* what a GPU transfer measured beside the host's counters */
typedef struct {
  uint64_t gpu_ns;          /* CUDA events around the moving: the GPU's view of it */
  uint64_t setup_ns;        /* context, device memory and module, before the clock */
  uint64_t pin_ns;          /* pinning host memory: cuMemHostRegister, cuMemAllocHost, cuFileBufRegister */
  uint64_t unpin_ns;        /* letting it go after the clock */
  uint64_t device_bytes;    /* the device buffer: the file's size */
  int sync_blocking;        /* the context's wait was blocking (1) or spinning (0) */
  int storage_mode;         /* cufile: 2 true GDS, 1 compatibility mode; 0 otherwise */
  int verified;             /* crc32c holds the device buffer's first `verified_bytes` */
  uint64_t verified_bytes;
  /* the gpu-* receiver modes: bytes put in device memory, and the copies (or kernels) that did it */
  uint64_t copied_bytes, copies;
} zc_gpu_result;

typedef struct {
  zc_recv_mode mode;
  int listen_fd;            /* owned by the caller; not closed here */
  uint64_t buffer_bytes;
  int checksum;
  int accept_timeout_ms;
  zc_pmu_mode pmu;
  uint64_t max_bytes;       /* 0: no limit; more than this ends the trial with ZC_LIMIT */
  char expected_peer[64];   /* numeric IP the data connection must come from; "" for any */
  zc_placement placement;
  zc_uring_config uring;    /* the uring mode */
  int gpu_device;           /* the gpu-* modes: the CUDA device that receives */
} zc_receiver_config;

struct zc_transfer {
  int is_sender;
  zc_sender_config send;
  zc_receiver_config recv;

  pthread_t thread;
  int thread_started;
  atomic_int cancel;
  pthread_mutex_t sock_lock;   /* guards sock_fd against close/shutdown races; never taken in the loop */
  int sock_fd;

  /* progress: single writer (the loop), any reader */
  _Atomic uint64_t bytes;
  _Atomic uint64_t calls[ZC_SYS_COUNT];
  _Atomic uint64_t zc_sends, zc_completed, zc_copied;
  /* the mapped receiver: bytes the kernel mapped, and bytes read with recv instead */
  _Atomic uint64_t recv_mapped_bytes, recv_copied_bytes;
  _Atomic uint64_t uring_sqes;   /* SQEs handed to io_uring */
  atomic_int uring_sqpoll_tid;   /* the ring's SQ polling thread, 0 when none */
  atomic_int uring_submitter_tid; /* the loop thread that owns a ring, 0 before one is set up */
  uint64_t uring_sqpoll_start_ns; /* the poller's CPU at setup: written before its tid is stored */
  zc_task_cache uring_tasks;     /* the live reader's alone (zc_uring_threads_cpu_ns), never the loop's */
  _Atomic uint64_t start_ns, first_byte_ns, last_byte_ns;
  atomic_int phase;            /* a zc_phase */
  zc_cpu_trace cpu;

  /* results, valid once done */
  uint64_t file_bytes;
  uint64_t confirmed_ns;       /* sender: receiver closed after our EOF; 0 when not confirmed */
  uint32_t crc32c;
  int peer_confirmed;
  uint64_t effective_chunk_bytes;
  uint64_t uring_sqpoll_ns;      /* CPU the SQ polling thread used, read as the loop ends */
  uint64_t uring_worker_ns;      /* CPU io_uring's worker threads used for it, likewise */
  _Atomic uint64_t gpu_calls;    /* CUDA driver calls the loop made (their ioctls are the driver's) */
  zc_gpu_result gpu;
  int local_port, peer_port;   /* the data connection's ends (TCP): pairs a sender with its receiver */
  cpu_set_t affinity_end;      /* the thread's allowed CPUs, read back as it ends */
  int affinity_valid;
  zc_tcp_info tcp;
  zc_error err;

  zc_counters counters;
  zc_done_fn done;
  void *user;
};

#define ZC_NS_PER_MS 1000000ull
#define ZC_NS_PER_SEC 1000000000ull
/* a blocking wait (accept, connect, the receiver's close) wakes this often to see a
 * cancel or its deadline: a cancel is seen within it */
#define ZC_POLL_SLICE_MS 50

uint64_t zc_now_ns(void);

/* Starts the thread. On failure returns -1 with t->err set and done never called. */
int zc_sender_start(zc_transfer *t, const zc_sender_config *cfg, zc_done_fn done, void *user);
int zc_receiver_start(zc_transfer *t, const zc_receiver_config *cfg, zc_done_fn done, void *user);
void zc_transfer_cancel(zc_transfer *t);
/* After done fired: joins the thread and releases every fd. */
void zc_transfer_join(zc_transfer *t);

/* CPU io_uring's threads have used for transfer t so far, read from another thread for a
 * live sample (not counted as the loop's): as recorded once it is done; -1 when t has
 * set up no ring */
int64_t zc_uring_threads_cpu_ns(zc_transfer *t);

/* ---- GPUs (zc-gpu.c): CUDA loaded at run time ---- */
typedef struct {
  int device, device_count;
  char name[128];
  char pci_bus_id[32];
  int cc_major, cc_minor;
  uint64_t memory_bytes;
  int driver_api_version;   /* cuDriverGetVersion: 13000 is CUDA 13.0 */
  char driver_version[32];  /* NVML's, "" without NVML */
  int pcie_gen, pcie_width, pcie_max_gen, pcie_max_width; /* 0: unknown (no NVML) */
  int numa_node;            /* -1: unknown */
  int can_map_host;
  int dma_buf;              /* the driver exports device memory as a dma-buf (devmem TCP needs it) */
  int cufile;               /* 0: no libcufile, 1: compatibility mode, 2: true GDS */
} zc_gpu_info;
/* Loads the driver and describes device `device`: -1 with e set (ZC_NO_GPU_DRIVER,
 * ZC_NO_GPU, ZC_CUDA) when there is none to describe. */
int zc_gpu_probe(int device, zc_gpu_info *out, zc_error *e);

/* ---- checksum and file utilities ---- */
uint32_t zc_crc32c(uint32_t crc, const void *buf, size_t len);
/* crc32c(A ‖ B) from crc32c(A), crc32c(B) and B's length, without the bytes */
uint32_t zc_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);
/* crc32c of the file's bytes repeated until total_bytes (a looped trial's stream) */
int zc_file_crc32c_repeated(const char *path, uint64_t total_bytes, uint32_t *out, zc_error *e);
int zc_file_crc32c(const char *path, uint32_t *out, uint64_t *out_bytes, zc_error *e);
/* mode 0: evict from the page cache, 1: read it all into the page cache */
int zc_file_cache(const char *path, int warm, zc_error *e);
/* 0 when the kernel lets this thread count cycles including kernel time */
int zc_pmu_probe(char *reason, size_t reason_len, int *errnum);

#endif
