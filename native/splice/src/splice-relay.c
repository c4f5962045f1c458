/*
 * The relay engine (see splice-relay.h). Semantics follow kernel/net/relay.ts:
 * - each direction: source socket -> pipe -> destination socket with splice(2); when the
 *   destination cannot take more, the pipe fills and the source is no longer read (backpressure:
 *   nothing is buffered beyond one pipe per direction);
 * - half-close: a FIN from one side becomes shutdown(SHUT_WR) on the other once the pipe is empty,
 *   while the opposite direction keeps flowing; a pair still half-open after linger_ms is closed;
 * - an error on either side closes both;
 * - JS hears about every end (relay_report_fn) and may abort a relay at any time.
 *
 * A relay may start by dialling its backend (relay_dial): non-blocking connects tried in order,
 * each bounded by the connect timeout, while the client's fd is watched only for a reset. JS is
 * told which target answered (or that none did) and the relay starts with the replayed bytes.
 *
 * Pipes are pooled: a direction holds one only while bytes are in flight, so an idle relayed
 * connection holds no pipe (two fds and ~200 bytes here). The engine works on dups of the
 * caller's fds, so the caller closing its own fds never makes us touch a reused fd number.
 * Every epoll registration is removed before its fd is closed (the caller's copy keeps the file
 * description, and with it the registration, alive otherwise).
 */
#include "splice-relay.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK_BITS 12
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define MAX_CHUNKS 1024u /* 4M slots */
#define SLOT_LIMIT (CHUNK_SIZE * MAX_CHUNKS)
#define POOL_MAX 256
#define EVENTS_MAX 256
#define WAKE_TAG UINT64_MAX
/* Pipes enlarged to opt.pipe_size at once, at most. An unprivileged user's pipes share
 * fs.pipe-user-pages-soft (16384 pages = 1,024 default pipes): past it every new pipe gets 2 pages
 * and F_SETPIPE_SZ fails. 64 pipes of 256 KiB take 4,096 of those pages; the others stay at the
 * default 64 KiB. */
#define BIG_PIPES_MAX 64

struct pipe_fds {
  int r, w;
  int big; /* enlarged with F_SETPIPE_SZ (counted in E.big_pipes) */
};

struct direction {
  int src, dst;
  struct pipe_fds pipe; /* r < 0: none held */
  size_t in_pipe;
  uint64_t bytes;
  char *pending; /* bytes JS had already read, sent before the spliced ones */
  size_t pending_len, pending_off;
  uint8_t eof;      /* the source sent its FIN */
  uint8_t done;     /* FIN forwarded: shutdown(dst, SHUT_WR) */
  uint8_t wait_out; /* stopped because the destination was full */
};

/* A dial in progress (freed once the relay runs: an idle relay keeps none of it). */
struct dial {
  struct relay_target *targets;
  int ntargets, cur;
  int timeout_ms, keepalive_s;
  char **replays;
  size_t *replay_lens;
  int nreplays;
  int *errs;
};

struct relay {
  uint32_t slot, gen;
  int fd[2]; /* 0 client, 1 backend (-1 while no attempt is open) */
  struct direction d[2]; /* 0 client -> backend, 1 backend -> client */
  struct dial *dial;     /* non-NULL while dialling */
  int64_t deadline;      /* monotonic ms (connect timeout or linger bound); 0 = none */
  struct relay *lprev, *lnext; /* the deadline list, sorted */
};

enum cmd_type { CMD_DIAL, CMD_ABORT, CMD_STOP };
struct cmd {
  enum cmd_type type;
  struct relay *relay;
  double id;
  struct cmd *next;
};

static struct {
  struct relay_options opt;
  relay_report_fn report;
  void *user;
  int epfd, wakefd;
  pthread_t thread;
  int running;
  pthread_mutex_t mu; /* commands, slot allocation */
  struct cmd *head, *tail;
  struct relay **chunks[MAX_CHUNKS];
  uint32_t next_slot;
  uint32_t *free_slots;
  uint32_t free_len, free_cap;
  uint32_t gens_seed;
  /* thread-only state */
  struct pipe_fds pool[POOL_MAX];
  int pool_len;
  int big_pipes;
  struct relay *lhead, *ltail;
  /* read by stats() from the JS thread */
  volatile uint32_t active, pipes_in_use;
} E = { .mu = PTHREAD_MUTEX_INITIALIZER, .epfd = -1, .wakefd = -1 };

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double make_id(uint32_t slot, uint32_t gen) { return (double)gen * (double)SLOT_LIMIT + (double)slot; }

static struct relay **slot_ref(uint32_t slot) { return &E.chunks[slot >> CHUNK_BITS][slot & (CHUNK_SIZE - 1)]; }

/* --- pipes ----------------------------------------------------------------------------- */

static int pipe_acquire(struct pipe_fds *out) {
  if (E.pool_len > 0) {
    *out = E.pool[--E.pool_len];
  } else {
    int p[2];
    if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0) return errno;
    out->r = p[0];
    out->w = p[1];
    out->big = E.opt.pipe_size > 0 && E.big_pipes < BIG_PIPES_MAX && fcntl(p[1], F_SETPIPE_SZ, E.opt.pipe_size) >= 0;
    if (out->big) E.big_pipes++;
  }
  __atomic_add_fetch(&E.pipes_in_use, 1, __ATOMIC_RELAXED);
  return 0;
}

static void pipe_close(struct pipe_fds *p) {
  close(p->r);
  close(p->w);
  if (p->big) E.big_pipes--;
}

/* An empty pipe goes back to the pool; one with bytes in it (an ended relay's) is closed. */
static void pipe_release(struct direction *d) {
  if (d->pipe.r < 0) return;
  if (d->in_pipe == 0 && E.pool_len < POOL_MAX) {
    E.pool[E.pool_len++] = d->pipe;
  } else {
    pipe_close(&d->pipe);
  }
  d->pipe.r = d->pipe.w = -1;
  d->in_pipe = 0;
  __atomic_sub_fetch(&E.pipes_in_use, 1, __ATOMIC_RELAXED);
}

/* --- one direction --------------------------------------------------------------------- */

/* Moves what can move now. Returns 0, or an errno (the pair must be closed). */
static int pump(struct direction *d) {
  if (d->done) return 0;
  d->wait_out = 0;
  while (d->pending_off < d->pending_len) {
    ssize_t n = send(d->dst, d->pending + d->pending_off, d->pending_len - d->pending_off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) { d->wait_out = 1; return 0; }
      return errno;
    }
    d->pending_off += (size_t)n;
    d->bytes += (uint64_t)n;
  }
  if (d->pending != NULL) {
    free(d->pending);
    d->pending = NULL;
  }
  for (;;) {
    int moved = 0;
    if (!d->eof) {
      if (d->pipe.r < 0) {
        int err = pipe_acquire(&d->pipe);
        if (err != 0) return err;
      }
      ssize_t n = splice(d->src, NULL, d->pipe.w, NULL, 1 << 20, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) { d->in_pipe += (size_t)n; moved = 1; }
      else if (n == 0) d->eof = 1;
      else if (errno != EAGAIN && errno != EINTR) return errno;
    }
    if (d->in_pipe > 0) {
      ssize_t n = splice(d->pipe.r, NULL, d->dst, NULL, d->in_pipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n > 0) { d->in_pipe -= (size_t)n; d->bytes += (uint64_t)n; moved = 1; }
      else if (n < 0 && errno == EAGAIN) d->wait_out = 1;
      else if (n < 0 && errno != EINTR) return errno;
    }
    if (!moved) break;
  }
  if (d->in_pipe == 0) pipe_release(d);
  if (d->eof && d->in_pipe == 0) {
    d->done = 1;
    if (shutdown(d->dst, SHUT_WR) != 0 && errno != ENOTCONN) return errno;
  }
  return 0;
}

/* --- relays ---------------------------------------------------------------------------- */

static void deadline_clear(struct relay *r) {
  if (r->deadline == 0) return;
  if (r->lprev != NULL) r->lprev->lnext = r->lnext; else E.lhead = r->lnext;
  if (r->lnext != NULL) r->lnext->lprev = r->lprev; else E.ltail = r->lprev;
  r->lprev = r->lnext = NULL;
  r->deadline = 0;
}

/* Keeps the list sorted; deadlines mostly grow, so the walk from the tail is short. */
static void deadline_set(struct relay *r, int64_t at) {
  deadline_clear(r);
  r->deadline = at;
  struct relay *after = E.ltail;
  while (after != NULL && after->deadline > at) after = after->lprev;
  r->lprev = after;
  r->lnext = after != NULL ? after->lnext : E.lhead;
  if (r->lnext != NULL) r->lnext->lprev = r; else E.ltail = r;
  if (after != NULL) after->lnext = r; else E.lhead = r;
}

static void dial_free(struct dial *dl) {
  if (dl == NULL) return;
  for (int i = 0; i < dl->nreplays; i++) free(dl->replays[i]);
  free(dl->errs);
  free(dl); /* targets, replays and lengths live in the same block */
}

/* Closes both sides, frees the relay and its slot, and reports `event`. */
static void release(struct relay *r, int event, int reason, int err) {
  for (int s = 0; s < 2; s++) {
    if (r->fd[s] >= 0) {
      epoll_ctl(E.epfd, EPOLL_CTL_DEL, r->fd[s], NULL);
      close(r->fd[s]);
    }
    pipe_release(&r->d[s]);
    free(r->d[s].pending);
  }
  deadline_clear(r);
  struct relay_report *rep = calloc(1, sizeof *rep);
  if (rep != NULL) {
    rep->id = make_id(r->slot, r->gen);
    rep->event = event;
    rep->up = r->d[0].bytes;
    rep->down = r->d[1].bytes;
    rep->reason = reason;
    rep->err = err;
    if (event == RELAY_EVENT_DIAL_FAILED && r->dial != NULL) {
      rep->nerrs = r->dial->ntargets;
      rep->errs = r->dial->errs;
      r->dial->errs = NULL;
    }
  }
  dial_free(r->dial);
  r->dial = NULL;
  pthread_mutex_lock(&E.mu);
  *slot_ref(r->slot) = NULL;
  if (E.free_len == E.free_cap) {
    uint32_t cap = E.free_cap == 0 ? 1024 : E.free_cap * 2;
    uint32_t *grown = realloc(E.free_slots, cap * sizeof *grown);
    if (grown != NULL) { E.free_slots = grown; E.free_cap = cap; }
  }
  if (E.free_len < E.free_cap) E.free_slots[E.free_len++] = r->slot;
  pthread_mutex_unlock(&E.mu);
  __atomic_sub_fetch(&E.active, 1, __ATOMIC_RELAXED);
  free(r);
  if (rep != NULL) E.report(rep, E.user);
}

static void finish(struct relay *r, int reason, int err) { release(r, RELAY_EVENT_END, reason, err); }

/* After any progress: closes a finished pair or starts its linger bound. */
static void settle(struct relay *r, int err) {
  if (err != 0) return finish(r, RELAY_END_ERROR, err);
  if (r->d[0].done && r->d[1].done) return finish(r, RELAY_END_CLOSED, 0);
  if ((r->d[0].eof || r->d[1].eof) && r->deadline == 0) deadline_set(r, now_ms() + E.opt.linger_ms);
}

static void on_event(struct relay *r, int side, uint32_t events) {
  if (events & EPOLLERR) {
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(r->fd[side], SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr != 0) return finish(r, RELAY_END_ERROR, soerr);
  }
  int err = 0;
  /* Readable: this side's outgoing direction; writable: the direction that writes to it. */
  struct direction *out = &r->d[side], *in = &r->d[1 - side];
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) err = pump(out);
  if (err == 0 && (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) && in->wait_out) err = pump(in);
  settle(r, err);
}

static int watch(struct relay *r, int side, int op, uint32_t events) {
  struct epoll_event ev = { .events = events };
  ev.data.u64 = ((uint64_t)r->gen << 32) | ((uint64_t)r->slot << 1) | (uint64_t)side;
  return epoll_ctl(E.epfd, op, r->fd[side], &ev) == 0 ? 0 : errno;
}

#define RELAY_EVENTS (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)

/* Both fds open and in the epoll set (the dial's registrations): start relaying. */
static void run(struct relay *r) {
  for (int s = 0; s < 2; s++) {
    r->d[s].src = r->fd[s];
    r->d[s].dst = r->fd[1 - s];
    r->d[s].pipe.r = r->d[s].pipe.w = -1;
  }
  for (int s = 0; s < 2; s++) {
    int err = watch(r, s, EPOLL_CTL_MOD, RELAY_EVENTS);
    if (err != 0) return finish(r, RELAY_END_ERROR, err);
  }
  int err = pump(&r->d[0]);
  if (err == 0) err = pump(&r->d[1]);
  settle(r, err);
}

/* --- dialling -------------------------------------------------------------------------- */

static void close_attempt(struct relay *r) {
  if (r->fd[1] < 0) return;
  epoll_ctl(E.epfd, EPOLL_CTL_DEL, r->fd[1], NULL);
  close(r->fd[1]);
  r->fd[1] = -1;
}

/* Tells JS which target answered, with the errors of the ones tried before it. */
static void report_connected(struct relay *r, struct dial *dl) {
  struct relay_report *rep = calloc(1, sizeof *rep);
  if (rep == NULL) return;
  rep->id = make_id(r->slot, r->gen);
  rep->event = RELAY_EVENT_CONNECTED;
  rep->index = dl->cur;
  rep->nerrs = dl->cur;
  rep->errs = dl->errs;
  dl->errs = NULL;
  E.report(rep, E.user);
}

static void connected(struct relay *r) {
  struct dial *dl = r->dial;
  int pick = dl->nreplays == 1 ? 0 : dl->cur;
  deadline_clear(r);
  r->d[0].pending = dl->replays[pick];
  r->d[0].pending_len = dl->replay_lens[pick];
  r->d[0].pending_off = 0;
  dl->replays[pick] = NULL;
  report_connected(r, dl);
  dial_free(dl);
  r->dial = NULL;
  run(r);
}

static void set_keepalive(int fd, int seconds) {
  int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == 0 && seconds > 0) (void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &seconds, sizeof seconds);
}

/* Opens the next attempt, or reports that none answered. */
static void dial_next(struct relay *r) {
  struct dial *dl = r->dial;
  close_attempt(r);
  for (; dl->cur < dl->ntargets; dl->cur++) {
    const struct relay_target *t = &dl->targets[dl->cur];
    struct sockaddr_storage sa;
    socklen_t len;
    memset(&sa, 0, sizeof sa);
    if (t->family == AF_INET6) {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *)&sa;
      a->sin6_family = AF_INET6;
      a->sin6_port = htons(t->port);
      memcpy(&a->sin6_addr, t->addr, 16);
      len = sizeof *a;
    } else {
      struct sockaddr_in *a = (struct sockaddr_in *)&sa;
      a->sin_family = AF_INET;
      a->sin_port = htons(t->port);
      memcpy(&a->sin_addr, t->addr, 4);
      len = sizeof *a;
    }
    int fd = socket(t->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) { dl->errs[dl->cur] = errno; continue; }
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (dl->keepalive_s >= 0) set_keepalive(fd, dl->keepalive_s);
    r->fd[1] = fd;
    int err = watch(r, 1, EPOLL_CTL_ADD, EPOLLOUT | EPOLLET);
    if (err == 0 && connect(fd, (struct sockaddr *)&sa, len) == 0) return connected(r);
    if (err == 0 && errno != EINPROGRESS) err = errno;
    if (err != 0) {
      dl->errs[dl->cur] = err;
      close_attempt(r);
      continue;
    }
    deadline_set(r, now_ms() + dl->timeout_ms);
    return;
  }
  release(r, RELAY_EVENT_DIAL_FAILED, 0, 0);
}

static void attempt_failed(struct relay *r, int err) {
  r->dial->errs[r->dial->cur++] = err;
  dial_next(r);
}

static void on_dial_event(struct relay *r, int side, uint32_t events) {
  if (side == 0) {
    /* The client is watched for a reset only (no EPOLLIN): a FIN waits for the relay. */
    if (events & (EPOLLERR | EPOLLHUP)) {
      int soerr = 0;
      socklen_t len = sizeof soerr;
      (void)getsockopt(r->fd[0], SOL_SOCKET, SO_ERROR, &soerr, &len);
      finish(r, RELAY_END_ERROR, soerr != 0 ? soerr : ECONNRESET);
    }
    return;
  }
  if (r->fd[1] < 0) return;
  int soerr = 0;
  socklen_t len = sizeof soerr;
  if (getsockopt(r->fd[1], SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) soerr = errno;
  if (soerr != 0) return attempt_failed(r, soerr);
  if (events & (EPOLLERR | EPOLLHUP)) return attempt_failed(r, ECONNREFUSED);
  /* An event left over from a closed attempt can name this slot: only a peer proves a connect. */
  struct sockaddr_storage peer;
  socklen_t plen = sizeof peer;
  if ((events & EPOLLOUT) && getpeername(r->fd[1], (struct sockaddr *)&peer, &plen) == 0) connected(r);
}

static void begin_dial(struct relay *r) {
  int err = watch(r, 0, EPOLL_CTL_ADD, EPOLLET);
  if (err != 0) return finish(r, RELAY_END_ERROR, err);
  dial_next(r);
}

static struct relay *lookup(uint64_t slot, uint32_t gen) {
  if (slot >= SLOT_LIMIT || E.chunks[slot >> CHUNK_BITS] == NULL) return NULL;
  struct relay *r = *slot_ref((uint32_t)slot);
  return r != NULL && r->gen == gen ? r : NULL;
}

/* --- the thread ------------------------------------------------------------------------ */

static int run_commands(void) {
  uint64_t drained;
  while (read(E.wakefd, &drained, sizeof drained) > 0) {}
  pthread_mutex_lock(&E.mu);
  struct cmd *c = E.head;
  E.head = E.tail = NULL;
  pthread_mutex_unlock(&E.mu);
  int stop = 0;
  while (c != NULL) {
    struct cmd *next = c->next;
    if (c->type == CMD_DIAL) begin_dial(c->relay);
    else if (c->type == CMD_STOP) stop = 1;
    else {
      uint64_t gen = (uint64_t)(c->id / SLOT_LIMIT);
      struct relay *r = lookup((uint64_t)(c->id - (double)gen * SLOT_LIMIT), (uint32_t)gen);
      if (r != NULL) finish(r, RELAY_END_ABORTED, 0);
    }
    free(c);
    c = next;
  }
  return stop;
}

static void expire_deadlines(void) {
  int64_t now = now_ms();
  while (E.lhead != NULL && E.lhead->deadline <= now) {
    struct relay *r = E.lhead;
    if (r->dial != NULL) {
      deadline_clear(r);
      attempt_failed(r, ETIMEDOUT);
    } else {
      finish(r, RELAY_END_LINGER, 0);
    }
  }
}

static void *thread_main(void *arg) {
  (void)arg;
  struct epoll_event events[EVENTS_MAX];
  for (;;) {
    int timeout = -1; /* idle relays cost nothing: no timer unless one is dialling or lingering */
    if (E.lhead != NULL) {
      int64_t wait = E.lhead->deadline - now_ms();
      timeout = wait < 0 ? 0 : (int)wait;
    }
    int n = epoll_wait(E.epfd, events, EVENTS_MAX, timeout);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; i++) {
      uint64_t tag = events[i].data.u64;
      if (tag == WAKE_TAG) {
        if (run_commands()) goto stopped;
        continue;
      }
      struct relay *r = lookup((tag & 0xffffffffu) >> 1, (uint32_t)(tag >> 32));
      if (r == NULL) continue;
      if (r->dial != NULL) on_dial_event(r, (int)(tag & 1), events[i].events);
      else on_event(r, (int)(tag & 1), events[i].events);
    }
    expire_deadlines();
  }
stopped:
  for (uint32_t slot = 0; slot < E.next_slot; slot++) {
    struct relay *r = *slot_ref(slot);
    if (r != NULL) finish(r, RELAY_END_ABORTED, 0);
  }
  while (E.pool_len > 0) pipe_close(&E.pool[--E.pool_len]);
  return NULL;
}

static void push(struct cmd *c) {
  pthread_mutex_lock(&E.mu);
  if (E.tail != NULL) E.tail->next = c; else E.head = c;
  E.tail = c;
  pthread_mutex_unlock(&E.mu);
  uint64_t one = 1;
  (void)!write(E.wakefd, &one, sizeof one);
}

/* --- API ------------------------------------------------------------------------------- */

int relay_engine_start(const struct relay_options *options, relay_report_fn report, void *user) {
  if (E.running) return EALREADY;
  E.opt = *options;
  E.report = report;
  E.user = user;
  E.epfd = epoll_create1(EPOLL_CLOEXEC);
  if (E.epfd < 0) return errno;
  E.wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (E.wakefd < 0) return errno;
  struct epoll_event ev = { .events = EPOLLIN };
  ev.data.u64 = WAKE_TAG;
  if (epoll_ctl(E.epfd, EPOLL_CTL_ADD, E.wakefd, &ev) != 0) return errno;
  int err = pthread_create(&E.thread, NULL, thread_main, NULL);
  if (err != 0) return err;
  (void)pthread_setname_np(E.thread, "ir-splice"); /* shows in /proc/<pid>/task/<tid>/comm */
  E.running = 1;
  return 0;
}

void relay_engine_stop(void) {
  if (!E.running) return;
  struct cmd *c = calloc(1, sizeof *c);
  if (c == NULL) return;
  c->type = CMD_STOP;
  push(c);
  pthread_join(E.thread, NULL);
  E.running = 0;
  close(E.epfd);
  close(E.wakefd);
}

static int alloc_slot(uint32_t *slot) {
  if (E.free_len > 0) {
    *slot = E.free_slots[--E.free_len];
    return 0;
  }
  if (E.next_slot >= SLOT_LIMIT) return EMFILE;
  uint32_t chunk = E.next_slot >> CHUNK_BITS;
  if (E.chunks[chunk] == NULL) {
    E.chunks[chunk] = calloc(CHUNK_SIZE, sizeof(struct relay *));
    if (E.chunks[chunk] == NULL) return ENOMEM;
  }
  *slot = E.next_slot++;
  return 0;
}

/* Registers a new relay (slot, id) holding a dup of `client_fd`; NULL with *err set on failure. */
static struct relay *new_relay(int client_fd, int *err) {
  struct relay *r = calloc(1, sizeof *r);
  if (r == NULL) { *err = ENOMEM; return NULL; }
  r->fd[0] = r->fd[1] = -1;
  r->d[0].pipe.r = r->d[0].pipe.w = r->d[1].pipe.r = r->d[1].pipe.w = -1;
  if ((r->fd[0] = fcntl(client_fd, F_DUPFD_CLOEXEC, 3)) < 0) {
    *err = errno;
    free(r);
    return NULL;
  }
  pthread_mutex_lock(&E.mu);
  *err = alloc_slot(&r->slot);
  if (*err == 0) {
    r->gen = ++E.gens_seed & 0x3fffffff;
    if (r->gen == 0) r->gen = ++E.gens_seed & 0x3fffffff;
    *slot_ref(r->slot) = r;
  }
  pthread_mutex_unlock(&E.mu);
  if (*err != 0) {
    close(r->fd[0]);
    free(r);
    return NULL;
  }
  __atomic_add_fetch(&E.active, 1, __ATOMIC_RELAXED);
  return r;
}

double relay_dial(int client_fd, const struct relay_target *targets, int ntargets, int timeout_ms, int keepalive_s,
                  const void *const *replays, const size_t *replay_lens, int nreplays) {
  if (!E.running) return -ENOTCONN;
  if (ntargets <= 0 || (nreplays != 1 && nreplays != ntargets)) return -EINVAL;
  struct cmd *c = calloc(1, sizeof *c);
  /* One block: the dial, its targets, the replay pointers and lengths. */
  size_t size = sizeof(struct dial) + (size_t)ntargets * sizeof(struct relay_target) + (size_t)nreplays * (sizeof(char *) + sizeof(size_t));
  struct dial *dl = calloc(1, size);
  int *errs = calloc((size_t)ntargets, sizeof(int));
  if (c == NULL || dl == NULL || errs == NULL) {
    free(c);
    free(dl);
    free(errs);
    return -ENOMEM;
  }
  dl->targets = (struct relay_target *)(dl + 1);
  dl->replays = (char **)(dl->targets + ntargets);
  dl->replay_lens = (size_t *)(dl->replays + nreplays);
  memcpy(dl->targets, targets, (size_t)ntargets * sizeof *targets);
  dl->ntargets = ntargets;
  dl->timeout_ms = timeout_ms;
  dl->keepalive_s = keepalive_s;
  dl->nreplays = nreplays;
  dl->errs = errs;
  for (int i = 0; i < nreplays; i++) {
    dl->replay_lens[i] = replay_lens[i];
    if (replay_lens[i] == 0) continue;
    dl->replays[i] = malloc(replay_lens[i]);
    if (dl->replays[i] == NULL) {
      dial_free(dl);
      free(c);
      return -ENOMEM;
    }
    memcpy(dl->replays[i], replays[i], replay_lens[i]);
  }
  int err = 0;
  struct relay *r = new_relay(client_fd, &err);
  if (r == NULL) {
    dial_free(dl);
    free(c);
    return -(double)err;
  }
  r->dial = dl;
  double id = make_id(r->slot, r->gen);
  c->type = CMD_DIAL;
  c->relay = r;
  push(c);
  return id;
}

void relay_abort(double id) {
  if (!E.running) return;
  struct cmd *c = calloc(1, sizeof *c);
  if (c == NULL) return;
  c->type = CMD_ABORT;
  c->id = id;
  push(c);
}

void relay_get_stats(struct relay_stats *out) {
  out->active = __atomic_load_n(&E.active, __ATOMIC_RELAXED);
  out->pipes_in_use = __atomic_load_n(&E.pipes_in_use, __ATOMIC_RELAXED);
}
