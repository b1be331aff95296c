#define _GNU_SOURCE
#include "CGangwayWire.h"

#include <errno.h>
#include <pthread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/epoll.h>
#include <sys/eventfd.h>

const uint32_t GANGWAY_WIRE_IN = EPOLLIN;
const uint32_t GANGWAY_WIRE_OUT = EPOLLOUT;
const uint32_t GANGWAY_WIRE_ERR = EPOLLERR;
const uint32_t GANGWAY_WIRE_HUP = EPOLLHUP;
const uint32_t GANGWAY_WIRE_RDHUP = EPOLLRDHUP;
const uint32_t GANGWAY_WIRE_EXCLUSIVE = EPOLLEXCLUSIVE;

int gangway_wire_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int gangway_wire_epoll_ctl(int epoll, int op, int fd, uint32_t events, uint64_t tag) {
    struct epoll_event event = {.events = events, .data = {.u64 = tag}};
    int operation = op == 1 ? EPOLL_CTL_ADD : op == 2 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    return epoll_ctl(epoll, operation, fd, &event);
}

int gangway_wire_epoll_wait(int epoll, gangway_wire_event *events, int capacity, int timeout_ms) {
    struct epoll_event ready[256];
    if (capacity > 256) capacity = 256;
    int count = epoll_wait(epoll, ready, capacity, timeout_ms);
    for (int i = 0; i < count; i++) {
        events[i].events = ready[i].events;
        events[i].tag = ready[i].data.u64;
    }
    return count;
}

int gangway_wire_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int gangway_wire_eventfd_signal(int fd) { return eventfd_write(fd, 1); }

void gangway_wire_eventfd_drain(int fd) {
    eventfd_t value;
    (void)eventfd_read(fd, &value);
}

int gangway_wire_accept(int listener, struct sockaddr_storage *address, socklen_t *length) {
    return accept4(listener, (struct sockaddr *)address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int gangway_wire_stream_socket(int family) {
    return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

#else
const uint32_t GANGWAY_WIRE_IN = 0x001;
const uint32_t GANGWAY_WIRE_OUT = 0x004;
const uint32_t GANGWAY_WIRE_ERR = 0x008;
const uint32_t GANGWAY_WIRE_HUP = 0x010;
const uint32_t GANGWAY_WIRE_RDHUP = 0x2000;
const uint32_t GANGWAY_WIRE_EXCLUSIVE = 1u << 28;

int gangway_wire_epoll_create(void) { errno = ENOSYS; return -1; }
int gangway_wire_epoll_ctl(int epoll, int op, int fd, uint32_t events, uint64_t tag) { errno = ENOSYS; return -1; }
int gangway_wire_epoll_wait(int epoll, gangway_wire_event *events, int capacity, int timeout_ms) { errno = ENOSYS; return -1; }
int gangway_wire_eventfd(void) { errno = ENOSYS; return -1; }
int gangway_wire_eventfd_signal(int fd) { errno = ENOSYS; return -1; }
void gangway_wire_eventfd_drain(int fd) {}
int gangway_wire_accept(int listener, struct sockaddr_storage *address, socklen_t *length) { errno = ENOSYS; return -1; }
int gangway_wire_stream_socket(int family) { errno = ENOSYS; return -1; }
#endif

int gangway_wire_set_nodelay(int fd) {
    int on = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

int gangway_wire_socket_error(int fd) {
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
    return error;
}

void gangway_wire_name_thread(const char *name) {
#if defined(__linux__)
    pthread_setname_np(pthread_self(), name);
#endif
}
