"""What the reference scripts record beside their numbers: the machine and its load, the
day, and a median with its spread, in the form the course's benchmark table reads
(Sources/Weaving/BenchmarkReference.swift)."""

import os
import statistics
from datetime import datetime, timezone


def machine(load_at_start):
    """The core count, the processor's model name and the load average at start and now."""
    processor = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    processor = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "processor": processor,
            "loadAtStart": round(load_at_start, 2), "loadAtEnd": round(os.getloadavg()[0], 2)}


def today():
    """The day, yyyy-MM-dd in UTC."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def summary(values):
    """The median, the smallest and the largest value, and how many."""
    return {"median": round(statistics.median(values), 4), "minimum": round(min(values), 4),
            "maximum": round(max(values), 4), "runs": len(values)}
