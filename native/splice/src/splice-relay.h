/*
 * The relay engine: one epoll thread moves bytes socket -> pipe -> socket with splice(2) for
 * every relayed pair. No N-API here (addon.c is the glue), so the engine reads as plain C.
 */
#ifndef INFRARUST_SPLICE_RELAY_H
#define INFRARUST_SPLICE_RELAY_H

#include <stddef.h>
#include <stdint.h>

/* Why a relay ended (what relay.ts would have seen). */
enum relay_end {
  RELAY_END_CLOSED = 0,  /* both directions finished (FIN each way, both forwarded) */
  RELAY_END_ERROR = 1,   /* a socket error on either side: both closed */
  RELAY_END_LINGER = 2,  /* one direction finished and the other did not within the linger bound */
  RELAY_END_ABORTED = 3, /* JS asked (the client socket was destroyed: kick, shutdown) */
};

/* What a report says. */
enum relay_event {
  RELAY_EVENT_END = 0,       /* the relay ended: up, down, reason, err */
  RELAY_EVENT_CONNECTED = 1, /* a dial reached target `index`; the relay runs from now on */
  RELAY_EVENT_DIAL_FAILED = 2, /* no target answered: `errs` (one errno per target); both fds closed */
};

struct relay_report {
  double id;
  int event;     /* enum relay_event */
  uint64_t up;   /* client -> backend bytes, the initial bytes included */
  uint64_t down; /* backend -> client bytes */
  int reason;    /* enum relay_end */
  int err;       /* errno for RELAY_END_ERROR */
  int index;     /* RELAY_EVENT_CONNECTED: the target that answered */
  int nerrs;     /* RELAY_EVENT_DIAL_FAILED: targets tried */
  int *errs;     /* owned by the report (ETIMEDOUT = the connect timeout) */
};

/* One address to dial (an IP literal: names are resolved in JS). */
struct relay_target {
  uint8_t addr[16]; /* in_addr or in6_addr */
  int family;       /* AF_INET or AF_INET6 */
  uint16_t port;
};

/* Called on the relay thread for every report; the callee owns `report` (malloc'd). */
typedef void (*relay_report_fn)(struct relay_report *report, void *user);

struct relay_options {
  int linger_ms;
  int pipe_size; /* bytes per pipe (F_SETPIPE_SZ) for up to 64 pipes at a time; 0 = the kernel's default */
};

struct relay_stats {
  uint32_t active;
  uint32_t pipes_in_use; /* pipes held by directions with bytes in flight (idle relays hold none) */
};

/* Starts the thread. Returns 0, or an errno. */
int relay_engine_start(const struct relay_options *options, relay_report_fn report, void *user);
/* Stops the thread and closes every relay and pipe (process teardown). */
void relay_engine_stop(void);
/*
 * Dials the backend from the relay thread, then relays: takes a dup of `client_fd` (the caller
 * keeps its own until it hears CONNECTED), tries `targets` in order, each within `timeout_ms`
 * (non-blocking connect; TCP_NODELAY, and SO_KEEPALIVE + TCP_KEEPIDLE when keepalive_s > 0),
 * and on the first that answers sends replays[index] (replays[0] when nreplays == 1) ahead of
 * the spliced bytes. A client that resets during the dial ends it (RELAY_END_ERROR). Returns the
 * relay's id (> 0), or -errno.
 */
double relay_dial(int client_fd, const struct relay_target *targets, int ntargets, int timeout_ms, int keepalive_s,
                  const void *const *replays, const size_t *replay_lens, int nreplays);
/* Ends a relay (both sockets closed) if it is still running; its report says RELAY_END_ABORTED. */
void relay_abort(double id);
void relay_get_stats(struct relay_stats *out);

#endif
