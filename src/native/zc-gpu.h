/*
 * CUDA, NVML and cuFile, loaded at run time with dlopen: the addon builds, and every
 * socket method runs, on a machine with no GPU. Only the driver API is used (no
 * libcudart), so the one library a GPU machine always has, libcuda.so.1, is enough.
 * ZCPROF_CUDA_LIBRARY, ZCPROF_NVML_LIBRARY and ZCPROF_CUFILE_LIBRARY name other files
 * (the tests' fake CUDA on host memory).
 */
#ifndef ZC_GPU_H
#define ZC_GPU_H

#include <stddef.h>
#include <sys/types.h>

#include "zc.h"

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef void *CUcontext, *CUmodule, *CUfunction, *CUstream, *CUevent;

#define CUDA_SUCCESS 0
#define CU_CTX_SCHED_SPIN 0x01
#define CU_CTX_SCHED_BLOCKING_SYNC 0x04
#define CU_CTX_SCHED_MASK 0x07
#define CU_EVENT_BLOCKING_SYNC 0x01
#define CU_MEMHOSTREGISTER_DEVICEMAP 0x02
#define CU_MEMHOSTREGISTER_READ_ONLY 0x08
#define CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY 19
#define CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR 75
#define CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR 76
#define CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED 124

/* the driver entry points the addon uses, by their exported (versioned) names */
typedef struct {
  CUresult (*init)(unsigned);
  CUresult (*driver_version)(int *);
  CUresult (*device_count)(int *);
  CUresult (*device_get)(CUdevice *, int);
  CUresult (*device_name)(char *, int, CUdevice);
  CUresult (*device_total_mem)(size_t *, CUdevice);
  CUresult (*device_attribute)(int *, int, CUdevice);
  CUresult (*device_pci_bus_id)(char *, int, CUdevice);
  CUresult (*primary_retain)(CUcontext *, CUdevice);
  CUresult (*primary_release)(CUdevice);
  CUresult (*primary_set_flags)(CUdevice, unsigned);
  CUresult (*primary_get_state)(CUdevice, unsigned *, int *);
  CUresult (*ctx_set_current)(CUcontext);
  CUresult (*mem_alloc)(CUdeviceptr *, size_t);
  CUresult (*mem_free)(CUdeviceptr);
  CUresult (*mem_alloc_host)(void **, size_t);
  CUresult (*mem_free_host)(void *);
  CUresult (*host_register)(void *, size_t, unsigned);
  CUresult (*host_unregister)(void *);
  CUresult (*host_device_pointer)(CUdeviceptr *, void *, unsigned);
  CUresult (*memcpy_htod)(CUdeviceptr, const void *, size_t);
  CUresult (*memcpy_htod_async)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*memcpy_dtoh)(void *, CUdeviceptr, size_t);
  CUresult (*event_create)(CUevent *, unsigned);
  CUresult (*event_record)(CUevent, CUstream);
  CUresult (*event_synchronize)(CUevent);
  CUresult (*event_elapsed)(float *, CUevent, CUevent);
  CUresult (*event_destroy)(CUevent);
  CUresult (*stream_synchronize)(CUstream);
  CUresult (*module_load_data)(CUmodule *, const void *);
  CUresult (*module_get_function)(CUfunction *, CUmodule, const char *);
  CUresult (*module_unload)(CUmodule);
  CUresult (*launch_kernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                            CUstream, void **, void **);
  CUresult (*error_name)(CUresult, const char **);
} zc_cuda;

/* cuFile (GPUDirect Storage), where libcufile loads */
typedef struct {
  int err, cu_err;
} zc_cufile_error;
typedef struct {
  int type; /* 1: CU_FILE_HANDLE_TYPE_OPAQUE_FD */
  union {
    int fd;
    void *handle;
  } handle;
  const void *fs_ops;
} zc_cufile_descr;
typedef struct {
  zc_cufile_error (*driver_open)(void);
  zc_cufile_error (*driver_close)(void);
  zc_cufile_error (*handle_register)(void **, zc_cufile_descr *);
  void (*handle_deregister)(void *);
  zc_cufile_error (*buf_register)(const void *, size_t, int);
  zc_cufile_error (*buf_deregister)(const void *);
  ssize_t (*read)(void *, void *, size_t, off_t, off_t);
} zc_cufile;

/* the in-place kernel zc_copy16(src, dst, words): 16-byte words from mapped host memory
 * into device memory, grid-stride (PTX: the driver compiles it, no NVRTC). Launched with
 * ZC_GPU_KERNEL_THREADS a block, at most ZC_GPU_KERNEL_MAX_BLOCKS blocks. */
extern const char zc_copy16_ptx[];
#define ZC_GPU_KERNEL_THREADS 256
#define ZC_GPU_KERNEL_MAX_BLOCKS 4096

/* The driver, loaded once per process: NULL with e set (ZC_NO_GPU_DRIVER) when it cannot be. */
const zc_cuda *zc_cuda_get(zc_error *e);
/* cuFile, loaded once: NULL with e set (ZC_UNSUPPORTED) when libcufile is missing. */
const zc_cufile *zc_cufile_get(zc_error *e);
/* CUfileOpError's name for a code (CU_FILE_HANDLE_NOT_REGISTERED, …), or "cuFile error" */
const char *zc_cufile_error_name(int err);
/* 2 when the nvidia-fs kernel module is loaded (true GPUDirect Storage), else 1 (compatibility mode) */
int zc_cufile_mode(void);

/* CUDA device `device`, and how many there are: ZC_NO_GPU (saying which exist) when there
 * is no such device, ZC_CUDA when the driver fails. 0, or -1 with e set. */
int zc_gpu_device(const zc_cuda *cu, int device, CUdevice *out, int *count, zc_error *e);

/* Records a failed CUDA call on e (code ZC_CUDA, the call and CUDA's error name): -1. */
int zc_cuda_fail(zc_error *e, const zc_cuda *cu, CUresult rc, const char *call);

#endif
