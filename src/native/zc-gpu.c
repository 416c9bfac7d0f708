/*
 * CUDA, NVML and cuFile at run time: dlopen once per process, every entry point looked
 * up by its exported name. A machine without them still loads the addon; the GPU
 * methods then fail with ZC_NO_GPU_DRIVER, saying which library was missing.
 */
#define _GNU_SOURCE
#include "zc-gpu.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the in-place kernel: 16-byte words from mapped host memory into device memory, grid-stride */
const char zc_copy16_ptx[] =
    ".version 7.0\n"
    ".target sm_52\n"
    ".address_size 64\n"
    ".visible .entry zc_copy16(.param .u64 src, .param .u64 dst, .param .u64 words)\n"
    "{\n"
    "  .reg .pred p;\n"
    "  .reg .b32 r<5>;\n"
    "  .reg .b32 v<4>;\n"
    "  .reg .b64 rd<10>;\n"
    "  ld.param.u64 rd1, [src];\n"
    "  ld.param.u64 rd2, [dst];\n"
    "  ld.param.u64 rd3, [words];\n"
    "  cvta.to.global.u64 rd1, rd1;\n"
    "  cvta.to.global.u64 rd2, rd2;\n"
    "  mov.u32 r1, %ctaid.x;\n"
    "  mov.u32 r2, %ntid.x;\n"
    "  mov.u32 r3, %tid.x;\n"
    "  mov.u32 r4, %nctaid.x;\n"
    "  mul.wide.u32 rd4, r1, r2;\n"
    "  cvt.u64.u32 rd5, r3;\n"
    "  add.u64 rd4, rd4, rd5;\n"
    "  mul.wide.u32 rd6, r4, r2;\n"
    "LOOP:\n"
    "  setp.ge.u64 p, rd4, rd3;\n"
    "  @p bra DONE;\n"
    "  shl.b64 rd7, rd4, 4;\n"
    "  add.u64 rd8, rd1, rd7;\n"
    "  ld.global.v4.u32 {v0, v1, v2, v3}, [rd8];\n"
    "  add.u64 rd9, rd2, rd7;\n"
    "  st.global.v4.u32 [rd9], {v0, v1, v2, v3};\n"
    "  add.u64 rd4, rd4, rd6;\n"
    "  bra LOOP;\n"
    "DONE:\n"
    "  ret;\n"
    "}\n";

static zc_cuda cuda;
static char cuda_failed[200];
static pthread_once_t cuda_once = PTHREAD_ONCE_INIT;

static zc_cufile cufile;
static char cufile_failed[200];
static pthread_once_t cufile_once = PTHREAD_ONCE_INIT;

static const char *library(const char *env, const char *name) {
  const char *v = getenv(env);
  return v && *v ? v : name;
}

/* every name, or the first one missing */
static const char *resolve(void *lib, void **slots, const char *const *names, int n) {
  for (int i = 0; i < n; i++) {
    slots[i] = dlsym(lib, names[i]);
    if (!slots[i]) return names[i];
  }
  return NULL;
}

static void load_cuda(void) {
  const char *path = library("ZCPROF_CUDA_LIBRARY", "libcuda.so.1");
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    snprintf(cuda_failed, sizeof cuda_failed, "no CUDA driver: %s", dlerror());
    return;
  }
  /* in zc_cuda's order */
  static const char *const names[] = {
      "cuInit", "cuDriverGetVersion", "cuDeviceGetCount", "cuDeviceGet", "cuDeviceGetName", "cuDeviceTotalMem_v2",
      "cuDeviceGetAttribute", "cuDeviceGetPCIBusId", "cuDevicePrimaryCtxRetain", "cuDevicePrimaryCtxRelease_v2",
      "cuDevicePrimaryCtxSetFlags_v2", "cuDevicePrimaryCtxGetState", "cuCtxSetCurrent", "cuMemAlloc_v2",
      "cuMemFree_v2", "cuMemAllocHost_v2", "cuMemFreeHost", "cuMemHostRegister_v2", "cuMemHostUnregister",
      "cuMemHostGetDevicePointer_v2", "cuMemcpyHtoD_v2", "cuMemcpyHtoDAsync_v2", "cuMemcpyDtoH_v2", "cuEventCreate",
      "cuEventRecord", "cuEventSynchronize", "cuEventElapsedTime", "cuEventDestroy_v2", "cuStreamSynchronize",
      "cuModuleLoadData", "cuModuleGetFunction", "cuModuleUnload", "cuLaunchKernel", "cuGetErrorName"};
  _Static_assert(sizeof names / sizeof *names == sizeof(zc_cuda) / sizeof(void *), "one name per entry point");
  const char *missing = resolve(lib, (void **)&cuda, names, (int)(sizeof names / sizeof *names));
  if (missing) {
    snprintf(cuda_failed, sizeof cuda_failed, "%s has no %s: the driver is too old", path, missing);
    return;
  }
  CUresult rc = cuda.init(0);
  if (rc != CUDA_SUCCESS) {
    const char *n = NULL;
    cuda.error_name(rc, &n);
    snprintf(cuda_failed, sizeof cuda_failed, "cuInit failed (%s): the driver found no usable GPU", n ? n : "?");
  }
}

const zc_cuda *zc_cuda_get(zc_error *e) {
  pthread_once(&cuda_once, load_cuda);
  if (!cuda_failed[0]) return &cuda;
  zc_error_set(e, "ZC_NO_GPU_DRIVER", cuda_failed);
  return NULL;
}

static void load_cufile(void) {
  const char *path = library("ZCPROF_CUFILE_LIBRARY", "libcufile.so");
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) lib = dlopen("libcufile.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    snprintf(cufile_failed, sizeof cufile_failed, "no cuFile library (libcufile.so): %s", dlerror());
    return;
  }
  static const char *const names[] = {"cuFileDriverOpen",  "cuFileDriverClose_v2", "cuFileHandleRegister",
                                      "cuFileHandleDeregister", "cuFileBufRegister", "cuFileBufDeregister",
                                      "cuFileRead"};
  _Static_assert(sizeof names / sizeof *names == sizeof(zc_cufile) / sizeof(void *), "one name per entry point");
  const char *missing = resolve(lib, (void **)&cufile, names, (int)(sizeof names / sizeof *names));
  /* before cuFile 1.9 the close had no _v2 */
  if (missing && !strcmp(missing, "cuFileDriverClose_v2")) {
    *(void **)&cufile.driver_close = dlsym(lib, "cuFileDriverClose");
    missing = cufile.driver_close ? resolve(lib, (void **)&cufile.handle_register, names + 2, 5) : missing;
  }
  if (missing) snprintf(cufile_failed, sizeof cufile_failed, "%s has no %s", path, missing);
}

const zc_cufile *zc_cufile_get(zc_error *e) {
  pthread_once(&cufile_once, load_cufile);
  if (!cufile_failed[0]) return &cufile;
  zc_error_unsupported(e, NULL, 0, cufile_failed);
  return NULL;
}

const char *zc_cufile_error_name(int err) {
  /* CUfileOpError, from 5001 on (cufile.h) */
  static const char *const names[] = {
      "CU_FILE_DRIVER_NOT_INITIALIZED", "CU_FILE_DRIVER_INVALID_PROPS", "CU_FILE_DRIVER_UNSUPPORTED_LIMIT",
      "CU_FILE_DRIVER_VERSION_MISMATCH", "CU_FILE_DRIVER_VERSION_READ_ERROR", "CU_FILE_DRIVER_CLOSING",
      "CU_FILE_PLATFORM_NOT_SUPPORTED", "CU_FILE_IO_NOT_SUPPORTED", "CU_FILE_DEVICE_NOT_SUPPORTED",
      "CU_FILE_NVFS_DRIVER_ERROR", "CU_FILE_CUDA_DRIVER_ERROR", "CU_FILE_CUDA_POINTER_INVALID",
      "CU_FILE_CUDA_MEMORY_TYPE_INVALID", "CU_FILE_CUDA_POINTER_RANGE_ERROR", "CU_FILE_CUDA_CONTEXT_MISMATCH",
      "CU_FILE_INVALID_MAPPING_SIZE", "CU_FILE_INVALID_MAPPING_RANGE", "CU_FILE_INVALID_FILE_TYPE",
      "CU_FILE_INVALID_FILE_OPEN_FLAG", "CU_FILE_DIO_NOT_SET", "CU_FILE_EXPECTED_FILE_MODE", "CU_FILE_INVALID_VALUE",
      "CU_FILE_MEMORY_ALREADY_REGISTERED", "CU_FILE_MEMORY_NOT_REGISTERED", "CU_FILE_PERMISSION_DENIED",
      "CU_FILE_DRIVER_ALREADY_OPEN", "CU_FILE_HANDLE_NOT_REGISTERED", "CU_FILE_HANDLE_ALREADY_REGISTERED",
      "CU_FILE_DEVICE_NOT_FOUND", "CU_FILE_INTERNAL_ERROR"};
  int i = err - 5001;
  return i >= 0 && i < (int)(sizeof names / sizeof *names) ? names[i] : "cuFile error";
}

int zc_cufile_mode(void) {
  return access("/sys/module/nvidia_fs", F_OK) == 0 ? 2 : 1;
}

int zc_cuda_fail(zc_error *e, const zc_cuda *cu, CUresult rc, const char *call) {
  const char *n = NULL;
  if (cu && cu->error_name) cu->error_name(rc, &n);
  char msg[200];
  snprintf(msg, sizeof msg, "%s failed: %s (%d)", call, n ? n : "CUDA error", rc);
  zc_error_set(e, "ZC_CUDA", msg);
  snprintf(e->syscall, sizeof e->syscall, "%s", call);
  return -1;
}

/* ---- NVML: the PCIe link, the driver's version; optional ---- */
typedef void *nvml_device;
typedef struct {
  int (*init)(void);
  int (*shutdown)(void);
  int (*by_bus_id)(const char *, nvml_device *);
  int (*curr_gen)(nvml_device, unsigned *);
  int (*curr_width)(nvml_device, unsigned *);
  int (*max_gen)(nvml_device, unsigned *);
  int (*max_width)(nvml_device, unsigned *);
  int (*driver_version)(char *, unsigned);
} zc_nvml;

static void nvml_link(zc_gpu_info *out) {
  void *lib = dlopen(library("ZCPROF_NVML_LIBRARY", "libnvidia-ml.so.1"), RTLD_NOW | RTLD_LOCAL);
  if (!lib) return;
  static const char *const names[] = {"nvmlInit_v2",
                                      "nvmlShutdown",
                                      "nvmlDeviceGetHandleByPciBusId_v2",
                                      "nvmlDeviceGetCurrPcieLinkGeneration",
                                      "nvmlDeviceGetCurrPcieLinkWidth",
                                      "nvmlDeviceGetMaxPcieLinkGeneration",
                                      "nvmlDeviceGetMaxPcieLinkWidth",
                                      "nvmlSystemGetDriverVersion"};
  zc_nvml n;
  if (resolve(lib, (void **)&n, names, (int)(sizeof names / sizeof *names)) || n.init() != 0) {
    dlclose(lib);
    return;
  }
  nvml_device d;
  unsigned v;
  if (n.by_bus_id(out->pci_bus_id, &d) == 0) {
    if (n.curr_gen(d, &v) == 0) out->pcie_gen = (int)v;
    if (n.curr_width(d, &v) == 0) out->pcie_width = (int)v;
    if (n.max_gen(d, &v) == 0) out->pcie_max_gen = (int)v;
    if (n.max_width(d, &v) == 0) out->pcie_max_width = (int)v;
  }
  n.driver_version(out->driver_version, sizeof out->driver_version);
  n.shutdown();
  dlclose(lib);
}

/* the PCI device's NUMA node from sysfs: its bus id in lower case, domain 0000 form */
static int numa_node_of(const char *bus_id) {
  char id[32], path[128];
  snprintf(id, sizeof id, "%s", bus_id);
  for (char *p = id; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  /* CUDA gives 8 hex digits of domain (00000000:17:00.0); sysfs 4 */
  const char *short_id = strlen(id) == 16 ? id + 4 : id;
  snprintf(path, sizeof path, "/sys/bus/pci/devices/%s/numa_node", short_id);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int node = -1;
  if (fscanf(f, "%d", &node) != 1) node = -1;
  fclose(f);
  return node;
}

int zc_gpu_device(const zc_cuda *cu, int device, CUdevice *out, int *count, zc_error *e) {
  CUresult rc = cu->device_count(count);
  if (rc != CUDA_SUCCESS) return zc_cuda_fail(e, cu, rc, "cuDeviceGetCount");
  if (device < 0 || device >= *count) {
    char msg[160];
    if (*count == 0) snprintf(msg, sizeof msg, "the CUDA driver loaded but sees no GPU");
    else snprintf(msg, sizeof msg, "there is no GPU %d: this machine has %d (gpu://0 to gpu://%d)", device, *count,
                  *count - 1);
    zc_error_set(e, "ZC_NO_GPU", msg);
    return -1;
  }
  if ((rc = cu->device_get(out, device)) != CUDA_SUCCESS) return zc_cuda_fail(e, cu, rc, "cuDeviceGet");
  return 0;
}

int zc_gpu_probe(int device, zc_gpu_info *out, zc_error *e) {
  memset(out, 0, sizeof *out);
  out->device = device;
  out->numa_node = -1;
  const zc_cuda *cu = zc_cuda_get(e);
  if (!cu) return -1;
  CUdevice d;
  if (zc_gpu_device(cu, device, &d, &out->device_count, e)) return -1;
  cu->device_name(out->name, sizeof out->name, d);
  size_t mem = 0;
  if (cu->device_total_mem(&mem, d) == CUDA_SUCCESS) out->memory_bytes = mem;
  cu->device_attribute(&out->cc_major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d);
  cu->device_attribute(&out->cc_minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d);
  cu->device_attribute(&out->can_map_host, CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY, d);
  cu->device_attribute(&out->dma_buf, CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED, d);
  cu->driver_version(&out->driver_api_version);
  if (cu->device_pci_bus_id(out->pci_bus_id, sizeof out->pci_bus_id, d) == CUDA_SUCCESS) {
    out->numa_node = numa_node_of(out->pci_bus_id);
    nvml_link(out);
  }
  zc_error none = {0};
  out->cufile = zc_cufile_get(&none) ? zc_cufile_mode() : 0;
  return 0;
}
