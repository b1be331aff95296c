"""Child processes pinned to a CPU, and what /proc says about their CPU time and memory."""
import os
import signal
import socket
import subprocess
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


class Process:
    """A server the benchmark started, pinned with taskset, in its own process group."""

    def __init__(self, name, argv, cpu, log_path, env=None, cwd=None):
        self.name = name
        self.log = open(log_path, "ab")
        full_env = dict(os.environ)
        full_env.pop("DATABASE_URL", None)  # LiteLLM runs without a database
        full_env.update(env or {})
        self.popen = subprocess.Popen(
            ["taskset", "-c", str(cpu)] + argv, stdout=self.log, stderr=subprocess.STDOUT,
            env=full_env, cwd=cwd, start_new_session=True)

    @property
    def pid(self):
        return self.popen.pid

    @property
    def running(self):
        return self.popen.poll() is None

    def tree(self):
        """This process and its descendants (nginx and LiteLLM may fork workers)."""
        children = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                continue
        result, stack = [], [self.pid]
        while stack:
            pid = stack.pop()
            result.append(pid)
            stack.extend(children.get(pid, []))
        return result

    def cpu_seconds(self):
        """User + system CPU time of the whole tree, children that exited included."""
        total = 0
        for pid in self.tree():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += sum(int(x) for x in fields[11:15])
            except OSError:
                continue
        return total / CLOCK_TICKS

    def rss_mb(self):
        """Resident memory of the whole tree in MiB."""
        total = 0
        for pid in self.tree():
            try:
                with open(f"/proc/{pid}/statm") as f:
                    total += int(f.read().split()[1]) * PAGE_SIZE
            except OSError:
                continue
        return total / (1 << 20)

    def stop(self):
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=10)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.popen.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.popen.wait()
        self.log.close()


class RSSSampler:
    """Samples a process tree's RSS in the background of a measurement; keeps the peak."""

    def __init__(self, process, interval=0.25):
        self.process = process
        self.interval = interval
        self.peak = 0.0
        self._next = 0.0

    def poll(self):
        now = time.monotonic()
        if now >= self._next:
            self.peak = max(self.peak, self.process.rss_mb())
            self._next = now + self.interval


def run_sampling(argv, cpu, timeout, sampler=None):
    """Runs a load tool pinned to `cpu`, sampling RSS meanwhile; returns its stdout."""
    proc = subprocess.Popen(["taskset", "-c", str(cpu)] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"{argv[0]} ran past {timeout}s")
        if sampler is not None:
            sampler.poll()
        time.sleep(0.05)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:2])} failed ({proc.returncode}): {err.decode(errors='replace')[-500:]}")
    return out.decode()
