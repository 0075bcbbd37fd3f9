"""What the benchmarks read of a running process in /proc (its peak RSS and CPU time, while it
runs), and how they wait for a peer's output and stop it."""
import os
import signal
import subprocess
import sys
import time


def high_water_kib(pid):
    """The process's own peak RSS (VmHWM) in KiB; 0 once it is gone. Sampled while it runs:
    wait4's ru_maxrss would count the forking Python process too."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def sample_until_exit(proc):
    """Waits for the process, sampling its peak RSS; (wall seconds, peak KiB, CPU seconds, exit code)."""
    start = time.perf_counter()
    peak_kib = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid != 0:
            break
        peak_kib = max(peak_kib, high_water_kib(proc.pid))
        time.sleep(0.005)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, peak_kib, usage.ru_utime + usage.ru_stime, proc.returncode


def cpu_seconds(pid):
    """User and system time of every thread of a running process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def read_text(path):
    """The last 4,000 characters of a log file, or "" when there is none."""
    try:
        with open(path, errors="replace") as f:
            return f.read()[-4000:]
    except OSError:
        return ""


def wait_for_file_size(proc, path, size, start, logs, on_tick=None):
    """Polls every 5 ms until `path` holds `size` bytes, sampling the process's peak RSS.
    Returns (seconds since `start`, peak KiB, CPU seconds at that moment). Exits the program
    with the end of `logs` when the process ends first, or when the file stops growing for
    30 s. `on_tick`, called every poll, may check another process."""
    peak_kib = 0
    last_size, last_change = -1, start
    while True:
        now = time.perf_counter()
        peak_kib = max(peak_kib, high_water_kib(proc.pid))
        try:
            got = os.stat(path).st_size
        except FileNotFoundError:
            got = 0
        if got >= size:
            return now - start, peak_kib, cpu_seconds(proc.pid)
        if proc.poll() is not None:
            sys.exit(f"{proc.args[0]} exited with status {proc.returncode} before writing every line:\n"
                     + "".join(read_text(p) for p in logs))
        if on_tick is not None:
            on_tick()
        if got != last_size:
            last_size, last_change = got, now
        elif now - last_change > 30:
            sys.exit(f"{proc.args[0]} wrote {got:,} of {size:,} bytes and nothing more in 30 s:\n"
                     + "".join(read_text(p) for p in logs))
        time.sleep(0.005)


def terminate(proc):
    """SIGTERM, then SIGKILL if the process is still there 30 s later."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
