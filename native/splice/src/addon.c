/*
 * N-API glue for the relay engine (splice-relay.c). JS API (kernel/net/native-relay.ts):
 *   init(onEnd(id, up, down, reason, errno), { lingerMs, pipeSize })  once per process
 *   start(clientFd, backendFd, toBackend?, toClient?) -> id > 0, or -errno
 *   abort(id)
 *   stats() -> { active, pipesInUse }
 * Ends reach JS through one thread-safe function, unref'd: relays never keep the process alive
 * by themselves (the proxy's listener and sockets do).
 */
#include <node_api.h>
#include <stdlib.h>

#include "splice-relay.h"

static napi_threadsafe_function on_end_tsfn;

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, #call " failed"); return NULL; } } while (0)

static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  struct relay_report *rep = data;
  if (env != NULL && js_cb != NULL) {
    napi_value argv[5], undefined;
    napi_create_double(env, rep->id, &argv[0]);
    napi_create_double(env, (double)rep->up, &argv[1]);
    napi_create_double(env, (double)rep->down, &argv[2]);
    napi_create_int32(env, rep->reason, &argv[3]);
    napi_create_int32(env, rep->err, &argv[4]);
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, js_cb, 5, argv, NULL);
  }
  free(rep);
}

static void report(struct relay_report *rep, void *user) {
  if (napi_call_threadsafe_function(on_end_tsfn, rep, napi_tsfn_nonblocking) != napi_ok) free(rep);
}

static void cleanup(void *arg) {
  relay_engine_stop();
  napi_release_threadsafe_function(on_end_tsfn, napi_tsfn_abort);
}

static int int_option(napi_env env, napi_value obj, const char *key, int fallback) {
  napi_value v;
  bool has = false;
  int32_t out = fallback;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok || !has) return fallback;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return fallback;
  if (napi_get_value_int32(env, v, &out) != napi_ok) return fallback;
  return out;
}

static napi_value js_init(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], name;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "init(onEnd, options)");
    return NULL;
  }
  struct relay_options opt = {
    .linger_ms = int_option(env, argv[1], "lingerMs", 30000),
    .pipe_size = int_option(env, argv[1], "pipeSize", 0),
  };
  CHECK(napi_create_string_utf8(env, "infrarust-splice-end", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_threadsafe_function(env, argv[0], NULL, name, 0, 1, NULL, NULL, NULL, call_js, &on_end_tsfn));
  CHECK(napi_unref_threadsafe_function(env, on_end_tsfn));
  int err = relay_engine_start(&opt, report, NULL);
  if (err != 0) {
    napi_release_threadsafe_function(on_end_tsfn, napi_tsfn_abort);
    napi_throw_error(env, NULL, "relay thread could not start");
    return NULL;
  }
  CHECK(napi_add_env_cleanup_hook(env, cleanup, NULL));
  return NULL;
}

/* A Buffer argument's bytes, or none for undefined/null. */
static int buffer_arg(napi_env env, napi_value v, void **data, size_t *len) {
  bool is_buffer = false;
  *data = NULL;
  *len = 0;
  if (napi_is_buffer(env, v, &is_buffer) != napi_ok || !is_buffer) return 0;
  return napi_get_buffer_info(env, v, data, len) == napi_ok ? 0 : -1;
}

static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], out;
  int32_t client_fd = -1, backend_fd = -1;
  void *to_backend, *to_client;
  size_t to_backend_len, to_client_len;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_get_value_int32(env, argv[0], &client_fd) != napi_ok || napi_get_value_int32(env, argv[1], &backend_fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "start(clientFd, backendFd, toBackend?, toClient?)");
    return NULL;
  }
  if (argc < 3 || buffer_arg(env, argv[2], &to_backend, &to_backend_len) != 0) to_backend = NULL, to_backend_len = 0;
  if (argc < 4 || buffer_arg(env, argv[3], &to_client, &to_client_len) != 0) to_client = NULL, to_client_len = 0;
  double id = relay_start(client_fd, backend_fd, to_backend, to_backend_len, to_client, to_client_len);
  CHECK(napi_create_double(env, id, &out));
  return out;
}

static napi_value js_abort(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double id = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1 && napi_get_value_double(env, argv[0], &id) == napi_ok && id > 0) relay_abort(id);
  return NULL;
}

static napi_value js_stats(napi_env env, napi_callback_info info) {
  struct relay_stats s;
  napi_value obj, v;
  relay_get_stats(&s);
  CHECK(napi_create_object(env, &obj));
  CHECK(napi_create_uint32(env, s.active, &v));
  CHECK(napi_set_named_property(env, obj, "active", v));
  CHECK(napi_create_uint32(env, s.pipes_in_use, &v));
  CHECK(napi_set_named_property(env, obj, "pipesInUse", v));
  return obj;
}

static napi_value module_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "init", NULL, js_init, NULL, NULL, NULL, napi_default, NULL },
    { "start", NULL, js_start, NULL, NULL, NULL, napi_default, NULL },
    { "abort", NULL, js_abort, NULL, NULL, NULL, napi_default, NULL },
    { "stats", NULL, js_stats, NULL, NULL, NULL, napi_default, NULL },
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, module_init)
