{
  "targets": [
    {
      "target_name": "infrarust_splice",
      "sources": ["src/splice-relay.c", "src/addon.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"]
    }
  ]
}
