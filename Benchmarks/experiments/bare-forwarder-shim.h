#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/epoll.h>
#include <netinet/tcp.h>
static inline int accept_nb(int fd) { return accept4(fd, 0, 0, SOCK_NONBLOCK); }
