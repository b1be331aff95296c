// Throwaway floor measurement: a bare epoll HTTP/1.1 forwarder (one thread, keep-alive on both sides).
import Glibc

let listenPort = UInt16(CommandLine.arguments[1])!
let upstreamPort = UInt16(CommandLine.arguments[2])!

func check(_ r: Int32, _ what: String) -> Int32 { if r < 0 { perror(what); exit(1) }; return r }

func makeAddr(_ port: UInt16) -> sockaddr_in {
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_port = port.bigEndian
    a.sin_addr.s_addr = UInt32(0x7f000001).bigEndian
    return a
}

let ep = check(epoll_create1(0), "epoll")
let lfd = check(socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0), "socket")
var one: Int32 = 1
setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, 4)
var la = makeAddr(listenPort)
_ = withUnsafePointer(to: &la) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { check(bind(lfd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)), "bind") } }
_ = check(listen(lfd, 1024), "listen")

final class Conn {
    let fd: Int32
    let isUpstream: Bool
    var buf: [UInt8] = []
    var peer: Conn?
    init(fd: Int32, isUpstream: Bool) { self.fd = fd; self.isUpstream = isUpstream; buf.reserveCapacity(16384) }
}
var conns: [Int32: Conn] = [:]
var idleUpstreams: [Conn] = []

func add(_ fd: Int32) {
    var ev = epoll_event()
    ev.events = EPOLLIN.rawValue
    ev.data.fd = fd
    _ = check(epoll_ctl(ep, 1, fd, &ev), "ctl")
}
add(lfd)

func connectUpstream() -> Conn {
    let fd = check(socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0), "socket")
    var a = makeAddr(upstreamPort)
    _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { check(connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)), "connect") } }
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    let c = Conn(fd: fd, isUpstream: true)
    conns[fd] = c
    add(fd)
    return c
}

/// Length of a complete message (head + content-length body) at the start of buf, or nil.
func messageLength(_ b: [UInt8]) -> Int? {
    let n = b.count
    if n < 4 { return nil }
    var i = 0
    while i + 3 < n {
        if b[i] == 13 && b[i+1] == 10 && b[i+2] == 13 && b[i+3] == 10 { break }
        i += 1
    }
    if i + 3 >= n { return nil }
    let headEnd = i + 4
    // content-length (case-insensitive scan)
    var cl = 0
    var j = 0
    let key: [UInt8] = Array("content-length:".utf8)
    while j + key.count < headEnd {
        var match = true
        for k in 0..<key.count where (b[j+k] | 0x20) != key[k] { match = false; break }
        if match {
            var p = j + key.count
            while b[p] == 32 { p += 1 }
            while b[p] >= 48 && b[p] <= 57 { cl = cl * 10 + Int(b[p] - 48); p += 1 }
            break
        }
        j += 1
    }
    return headEnd + cl <= n ? headEnd + cl : nil
}

var scratch = [UInt8](repeating: 0, count: 65536)
var events = [epoll_event](repeating: epoll_event(), count: 64)
while true {
    let n = epoll_wait(ep, &events, 64, -1)
    if n < 0 { continue }
    for e in 0..<Int(n) {
        let fd = events[e].data.fd
        if fd == lfd {
            while true {
                let c = accept_nb(lfd)
                if c < 0 { break }
                setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, 4)
                conns[c] = Conn(fd: c, isUpstream: false)
                add(c)
            }
            continue
        }
        guard let c = conns[fd] else { continue }
        let r = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
        if r <= 0 {
            if r == 0 || errno != EAGAIN { close(fd); conns[fd] = nil; if let p = c.peer { p.peer = nil } }
            continue
        }
        c.buf.append(contentsOf: scratch[0..<r])
        guard let len = messageLength(c.buf) else { continue }
        if c.isUpstream {
            guard let client = c.peer else { continue }
            _ = c.buf.withUnsafeBytes { write(client.fd, $0.baseAddress, len) }
            c.buf.removeFirst(len)
            c.peer = nil
            client.peer = nil
            idleUpstreams.append(c)
        } else {
            let up = idleUpstreams.popLast() ?? connectUpstream()
            up.peer = c
            c.peer = up
            _ = c.buf.withUnsafeBytes { write(up.fd, $0.baseAddress, len) }
            c.buf.removeFirst(len)
        }
    }
}
