/*
 * N-API glue for the relay engine (splice-relay.c). JS API (kernel/net/native-relay.ts):
 *   init(onEvent(event, id, a, b, c, d), { lingerMs, pipeSize })  once per process; events:
 *     0 end        a = up, b = down, c = reason, d = errno
 *     1 connected  a = the index of the target that answered, b = [errno of each target before it]
 *     2 dial failed a = [errno per target] (ETIMEDOUT: the connect timeout)
 *   dial(clientFd, [ip, port, ip, port, ...], timeoutMs, keepAliveS, [replay] | [replay per target])
 *     -> id > 0, or -errno
 *   abort(id)
 *   stats() -> { active, pipesInUse }
 * Ends reach JS through one thread-safe function, unref'd: relays never keep the process alive
 * by themselves (the proxy's listener and sockets do).
 */
#include <node_api.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "splice-relay.h"

static napi_threadsafe_function on_end_tsfn;

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, #call " failed"); return NULL; } } while (0)

static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  struct relay_report *rep = data;
  if (env != NULL && js_cb != NULL) {
    napi_value argv[6], undefined;
    napi_create_int32(env, rep->event, &argv[0]);
    napi_create_double(env, rep->id, &argv[1]);
    napi_get_undefined(env, &undefined);
    argv[3] = argv[4] = argv[5] = undefined;
    if (rep->event == RELAY_EVENT_END) {
      napi_create_double(env, (double)rep->up, &argv[2]);
      napi_create_double(env, (double)rep->down, &argv[3]);
      napi_create_int32(env, rep->reason, &argv[4]);
      napi_create_int32(env, rep->err, &argv[5]);
    } else {
      napi_value errs;
      napi_create_array_with_length(env, (size_t)rep->nerrs, &errs);
      for (int i = 0; i < rep->nerrs; i++) {
        napi_value v;
        napi_create_int32(env, rep->errs[i], &v);
        napi_set_element(env, errs, (uint32_t)i, v);
      }
      if (rep->event == RELAY_EVENT_CONNECTED) {
        napi_create_int32(env, rep->index, &argv[2]);
        argv[3] = errs;
      } else {
        argv[2] = errs;
      }
    }
    napi_call_function(env, undefined, js_cb, 6, argv, NULL);
  }
  free(rep->errs);
  free(rep);
}

static void report(struct relay_report *rep, void *user) {
  if (napi_call_threadsafe_function(on_end_tsfn, rep, napi_tsfn_nonblocking) != napi_ok) {
    free(rep->errs);
    free(rep);
  }
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

#define MAX_TARGETS 64

static napi_value js_dial(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], out, v;
  int32_t client_fd = -1, timeout_ms = 0, keepalive_s = -1;
  uint32_t nflat = 0, nreplays = 0;
  struct relay_target targets[MAX_TARGETS];
  const void *replays[MAX_TARGETS];
  size_t replay_lens[MAX_TARGETS];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5 || napi_get_value_int32(env, argv[0], &client_fd) != napi_ok || napi_get_array_length(env, argv[1], &nflat) != napi_ok ||
      napi_get_value_int32(env, argv[2], &timeout_ms) != napi_ok || napi_get_value_int32(env, argv[3], &keepalive_s) != napi_ok ||
      napi_get_array_length(env, argv[4], &nreplays) != napi_ok || nflat == 0 || nflat % 2 != 0 || nflat / 2 > MAX_TARGETS || nreplays > MAX_TARGETS) {
    napi_throw_type_error(env, NULL, "dial(clientFd, [ip, port, ...], timeoutMs, keepAliveS, [replay...])");
    return NULL;
  }
  int ntargets = (int)(nflat / 2);
  for (int i = 0; i < ntargets; i++) {
    char ip[64];
    size_t iplen = 0;
    int32_t port = 0;
    CHECK(napi_get_element(env, argv[1], (uint32_t)(2 * i), &v));
    if (napi_get_value_string_utf8(env, v, ip, sizeof ip, &iplen) != napi_ok) iplen = 0;
    CHECK(napi_get_element(env, argv[1], (uint32_t)(2 * i + 1), &v));
    if (napi_get_value_int32(env, v, &port) != napi_ok) port = -1;
    memset(&targets[i], 0, sizeof targets[i]);
    targets[i].port = (uint16_t)port;
    if (inet_pton(AF_INET, ip, targets[i].addr) == 1) targets[i].family = AF_INET;
    else if (inet_pton(AF_INET6, ip, targets[i].addr) == 1) targets[i].family = AF_INET6;
    if (iplen == 0 || targets[i].family == 0 || port < 0 || port > 65535) {
      napi_throw_type_error(env, NULL, "dial: every target is an IP literal and a port");
      return NULL;
    }
  }
  for (uint32_t i = 0; i < nreplays; i++) {
    bool is_buffer = false;
    void *data = NULL;
    size_t len = 0;
    CHECK(napi_get_element(env, argv[4], i, &v));
    if (napi_is_buffer(env, v, &is_buffer) == napi_ok && is_buffer) CHECK(napi_get_buffer_info(env, v, &data, &len));
    replays[i] = data;
    replay_lens[i] = len;
  }
  double id = relay_dial(client_fd, targets, ntargets, timeout_ms, keepalive_s, replays, replay_lens, (int)nreplays);
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
    { "dial", NULL, js_dial, NULL, NULL, NULL, napi_default, NULL },
    { "abort", NULL, js_abort, NULL, NULL, NULL, napi_default, NULL },
    { "stats", NULL, js_stats, NULL, NULL, NULL, napi_default, NULL },
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, module_init)
