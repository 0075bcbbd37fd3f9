"""What the benchmarks read of a running process in /proc: its peak RSS."""


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
