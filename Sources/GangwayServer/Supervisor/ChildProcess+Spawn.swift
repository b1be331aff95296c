#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ChildProcess {
    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `arguments` (the program is looked up on Gangway's `PATH`) with exactly
    /// `environment`, standard input from /dev/null, and its output on two pipes.
    ///
    /// posix_spawn rather than Foundation's `Process`: the child must lead its own process group,
    /// get default signal dispositions back (the service group ignores SIGTERM and SIGINT in
    /// Gangway so it can handle them itself; ignored signals survive exec), and inherit no
    /// descriptor but its three standard ones.
    static func spawn(
        arguments: [String], environment: [String: String], workingDirectory: String?
    ) throws(SpawnError) -> ChildProcess {
        #if os(Linux)
        guard let program = arguments.first else { throw SpawnError(description: "empty command") }
        let output = try makePipe()
        let errors: (read: Int32, write: Int32)
        do {
            errors = try makePipe()
        } catch {
            close(output.read)
            close(output.write)
            throw error
        }
        // The child has its own copies of the write ends; ours must close for the reader to see EOF.
        defer {
            close(output.write)
            close(errors.write)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        if let workingDirectory {
            guard let addChdir = SpawnSymbols.addChdir else {
                close(output.read)
                close(errors.read)
                throw SpawnError(description: "working_directory needs glibc 2.29 or later")
            }
            _ = addChdir(&actions, workingDirectory)
        }
        // Gangway's sockets and database files are not the model server's business.
        _ = SpawnSymbols.addClosefrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in Int32(1)..<32 where signal != SIGKILL && signal != SIGSTOP {
            sigaddset(&defaultSignals, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(output.read)
            close(errors.read)
            let reason = String(cString: strerror(result))
            let place = workingDirectory.map { " in \($0)" } ?? ""
            throw SpawnError(description: "cannot start \(program)\(place): \(reason)")
        }
        return ChildProcess(pid: pid, standardOutput: output.read, standardError: errors.read)
        #else
        throw SpawnError(description: "managed model processes are supported on Linux only")
        #endif
    }

    #if os(Linux)
    /// A pipe whose ends close on exec, so no other child (another copy starting at the same
    /// moment) inherits them and holds the pipe open.
    private static func makePipe() throws(SpawnError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let result =
            if let pipe2 = SpawnSymbols.pipe2 {
                pipe2(&fds, O_CLOEXEC)
            } else {
                pipe(&fds)
            }
        guard result == 0 else {
            throw SpawnError(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        if SpawnSymbols.pipe2 == nil {
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }
    #endif
}

#if os(Linux)
/// glibc functions that Swift's Glibc module does not declare (they are GNU extensions),
/// looked up once at run time.
private enum SpawnSymbols {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32

    static let addChdir = lookup("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
    static let addClosefrom = lookup("posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self)
    static let pipe2 = lookup("pipe2", as: Pipe2.self)

    private static func lookup<Function>(_ name: String, as type: Function.Type) -> Function? {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }
}
#endif
