"""A process-level memory setting for large runs: reuse freed memory instead of fresh pages."""

from __future__ import annotations

import ctypes
import sys

_M_TRIM_THRESHOLD = -1  # glibc mallopt parameters (malloc.h)
_M_MMAP_MAX = -4


def reuse_freed_memory() -> bool:
    """Ask glibc to serve large arrays from its heap and keep freed memory for reuse.

    A step allocates temporaries as long as the household arrays. By default glibc maps each
    large one fresh from the kernel, which zeroes every page on first touch, and unmaps it when
    freed (and trims the heap, with the same effect); at tens of millions of households that
    page-fault work was a third of the run time.
    With this setting the freed blocks are reused. The process then holds on to its peak heap
    until it exits, which suits a batch run. Call it once, at the start of a process that runs
    the model (the command line and the benchmarks do).

    Returns:
        Whether the setting took effect (False where the C library is not glibc).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    # No mmap for large blocks; never trim the heap (-1 reads as the largest size_t): trimming
    # hands freed pages back only to fault them in again, zeroed, on the next step.
    return bool(libc.mallopt(_M_MMAP_MAX, 0)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, -1))
