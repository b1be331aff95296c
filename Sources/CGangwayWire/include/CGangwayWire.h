#ifndef C_GANGWAY_WIRE_H
#define C_GANGWAY_WIRE_H

#include <stdint.h>
#include <sys/socket.h>

/// The few Linux calls the wire transport makes that Swift's Glibc module does not offer:
/// epoll, eventfd and accept4. Each returns what the system call returns (-1 with errno set on
/// failure). Linux only; elsewhere every call fails with ENOSYS.

/// One ready socket: the epoll event bits and the 64-bit tag it was registered with (Linux packs
/// `struct epoll_event` on x86-64, which Swift cannot import as is).
typedef struct {
    uint32_t events;
    uint64_t tag;
} gangway_wire_event;

extern const uint32_t GANGWAY_WIRE_IN;
extern const uint32_t GANGWAY_WIRE_OUT;
extern const uint32_t GANGWAY_WIRE_ERR;
extern const uint32_t GANGWAY_WIRE_HUP;
extern const uint32_t GANGWAY_WIRE_RDHUP;
extern const uint32_t GANGWAY_WIRE_EXCLUSIVE;

int gangway_wire_epoll_create(void);
/// op: 1 add, 2 remove, 3 modify.
int gangway_wire_epoll_ctl(int epoll, int op, int fd, uint32_t events, uint64_t tag);
/// Waits at most `timeout_ms` (-1: no limit) and copies up to `capacity` events into `events`.
int gangway_wire_epoll_wait(int epoll, gangway_wire_event *events, int capacity, int timeout_ms);

/// A non-blocking, close-on-exec eventfd, and its signal and drain.
int gangway_wire_eventfd(void);
int gangway_wire_eventfd_signal(int fd);
void gangway_wire_eventfd_drain(int fd);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC; `address` and `length` may be NULL.
int gangway_wire_accept(int listener, struct sockaddr_storage *address, socklen_t *length);
/// A non-blocking, close-on-exec stream socket of the family.
int gangway_wire_stream_socket(int family);
/// TCP_NODELAY on.
int gangway_wire_set_nodelay(int fd);
/// The pending error of a socket (SO_ERROR), or errno if that cannot be read.
int gangway_wire_socket_error(int fd);

/// Names the calling thread (shown by top, perf and gdb).
void gangway_wire_name_thread(const char *name);

#endif
