{
  "targets": [
    {
      "target_name": "zcprof",
      "sources": [
        "napi-args.c",
        "napi-file.c",
        "napi-glue.c",
        "napi-probes.c",
        "napi-values.c",
        "zc-common.c",
        "zc-counters.c",
        "zc-file.c",
        "zc-gpu.c",
        "zc-loop.c",
        "zc-recv.c",
        "zc-recv-gpu.c",
        "zc-recv-mapped.c",
        "zc-recv-uring.c",
        "zc-send.c",
        "zc-send-gpu.c",
        "zc-send-uring.c",
        "zc-socket.c",
        "zc-tcp-info.c",
        "zc-transfer.c",
        "zc-uring.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags_c": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-pthread"],
      "ldflags": ["-pthread"],
      "libraries": ["-ldl"]
    }
  ]
}
