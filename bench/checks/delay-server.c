/*
 * The benchmark's ruler: an HTTP/1.1 server on 127.0.0.1 that answers every request exactly
 * DELAY ms after the request's headers arrived. One thread, epoll, and an absolute CLOCK_MONOTONIC
 * timerfd per request, so the hold is accurate to tens of microseconds and no garbage collector or
 * millisecond timer wheel adds its own error to what the probe is measured against.
 *
 * Usage: delay-server [delay_ms]   Prints the port it listens on, then serves until killed.
 * Every response carries x-held-ms: how long the request was really held (arrival to write), and
 * x-client-port: the client's port, by which a packet capture (bench --wire) finds the connection.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_FD 65536

struct conn {
  int fd;
  int peer_port;        /* the client's port, echoed so a packet capture can be matched to a check */
  int timer;            /* timerfd while the request is held, else -1 */
  int answered;
  size_t len;
  char head[8192];
  struct timespec arrived;
};

static struct conn *owner[MAX_FD]; /* fd (connection or its timer) -> connection */
static int ep;

static double ms_between(struct timespec a, struct timespec b) {
  return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

static void watch(int fd, struct conn *c) {
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
  owner[fd] = c;
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void unwatch(int fd) {
  epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
  owner[fd] = NULL;
  close(fd);
}

static void drop(struct conn *c) {
  if (c->timer >= 0) unwatch(c->timer);
  unwatch(c->fd);
  free(c);
}

static void hold(struct conn *c, long delay_ns) {
  clock_gettime(CLOCK_MONOTONIC, &c->arrived);
  struct itimerspec due = {0};
  due.it_value = c->arrived;
  due.it_value.tv_nsec += delay_ns;
  while (due.it_value.tv_nsec >= 1000000000L) {
    due.it_value.tv_nsec -= 1000000000L;
    due.it_value.tv_sec++;
  }
  c->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  timerfd_settime(c->timer, TFD_TIMER_ABSTIME, &due, NULL);
  watch(c->timer, c);
}

static void answer(struct conn *c) {
  uint64_t expirations;
  struct timespec now;
  char out[256];
  if (read(c->timer, &expirations, sizeof expirations) < 0 && errno == EAGAIN) return;
  clock_gettime(CLOCK_MONOTONIC, &now);
  int n = snprintf(out, sizeof out,
                   "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n"
                   "x-held-ms: %.3f\r\nx-client-port: %d\r\nconnection: close\r\n\r\nok",
                   ms_between(c->arrived, now), c->peer_port);
  if (write(c->fd, out, (size_t)n) < 0) { /* the client went away; it will see it */ }
  shutdown(c->fd, SHUT_WR);
  unwatch(c->timer);
  c->timer = -1;
  c->answered = 1;
}

static void readable(struct conn *c, long delay_ns) {
  char buf[4096];
  ssize_t r = read(c->fd, buf, sizeof buf);
  if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (r <= 0) { drop(c); return; }
  if (c->answered || c->timer >= 0) return; /* after the head: ignore (the client closes) */
  size_t room = sizeof c->head - 1 - c->len;
  size_t take = (size_t)r < room ? (size_t)r : room;
  memcpy(c->head + c->len, buf, take);
  c->len += take;
  c->head[c->len] = '\0';
  if (strstr(c->head, "\r\n\r\n") != NULL) hold(c, delay_ns);
  else if (c->len == sizeof c->head - 1) drop(c);
}

int main(int argc, char **argv) {
  long delay_ns = (long)(atof(argc > 1 ? argv[1] : "50") * 1e6);
  int one = 1;
  int lsn = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t alen = sizeof addr;
  if (lsn < 0 || bind(lsn, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(lsn, 1024) != 0 ||
      getsockname(lsn, (struct sockaddr *)&addr, &alen) != 0) {
    perror("delay-server");
    return 1;
  }
  printf("%d\n", ntohs(addr.sin_port));
  fflush(stdout);

  ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event lev = {.events = EPOLLIN, .data.fd = lsn};
  epoll_ctl(ep, EPOLL_CTL_ADD, lsn, &lev);
  struct epoll_event events[64];
  for (;;) {
    int n = epoll_wait(ep, events, 64, -1);
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == lsn) {
        int cfd;
        struct sockaddr_in peer;
        socklen_t plen = sizeof peer;
        while ((cfd = accept4(lsn, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          plen = sizeof peer;
          if (cfd >= MAX_FD) { close(cfd); continue; }
          setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *c = calloc(1, sizeof *c);
          if (c == NULL) { close(cfd); continue; }
          c->fd = cfd;
          c->peer_port = ntohs(peer.sin_port);
          c->timer = -1;
          watch(cfd, c);
        }
        continue;
      }
      struct conn *c = owner[fd];
      if (c == NULL) continue;
      if (fd == c->timer) answer(c);
      else readable(c, delay_ns);
    }
  }
}
