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

struct relay_report {
  double id;
  uint64_t up;   /* client -> backend bytes, the initial bytes included */
  uint64_t down; /* backend -> client bytes */
  int reason;    /* enum relay_end */
  int err;       /* errno for RELAY_END_ERROR */
};

/* Called on the relay thread when a relay ended; the callee owns `report` (malloc'd). */
typedef void (*relay_report_fn)(struct relay_report *report, void *user);

struct relay_options {
  int linger_ms;
  int pipe_size; /* bytes per pipe (F_SETPIPE_SZ); 0 = the kernel's default */
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
 * Takes over a pair: dups both fds (the caller keeps its own), queues `to_backend`/`to_client`
 * (copied) ahead of the spliced bytes. Returns the relay's id (> 0), or -errno.
 */
double relay_start(int client_fd, int backend_fd, const void *to_backend, size_t to_backend_len,
                   const void *to_client, size_t to_client_len);
/* Ends a relay (both sockets closed) if it is still running; its report says RELAY_END_ABORTED. */
void relay_abort(double id);
void relay_get_stats(struct relay_stats *out);

#endif
