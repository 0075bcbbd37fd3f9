"""What the benchmarks read of a running process in /proc: its peak RSS, while it runs."""
import os
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
