"""The network sandbox: a process that can no longer open an IP (or any non-Unix) socket.

``lamcoop serve`` evaluates queries and updates in its uWSGI worker processes. With an empty
``service_allowlist`` (the default) nothing they run may reach the network, whatever a query
says, so each worker installs this sandbox when it starts, before it opens the store: a
seccomp filter (Linux) under which ``socket()`` and ``socketpair()`` fail with ``EACCES`` for
every address family but ``AF_UNIX`` (the worker talks to uWSGI's router over a Unix socket),
``io_uring_setup()`` fails (io_uring can open sockets without the ``socket`` system call),
and so does every system call of a foreign ABI (x32, or 32-bit calls from a 64-bit process),
whose numbers the filter does not know. Sockets the worker already holds stay usable.

The filter is classic BPF, written here with :mod:`ctypes` (no library is needed): it is
installed with ``PR_SET_NO_NEW_PRIVS`` and ``seccomp(SECCOMP_SET_MODE_FILTER,
SECCOMP_FILTER_FLAG_TSYNC)``, so every thread of the process gets it, and it can never be
removed. It is known for x86-64 and AArch64; elsewhere :func:`unavailable` says why not.

>>> program = filter_program(X86_64)
>>> len(program), program[-1]  # the last instruction: EPERM for foreign system calls
(12, (6, 0, 0, 327681))
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import socket
import sys
from dataclasses import dataclass

from graph_loader.settings import Settings

# BPF instructions (linux/bpf_common.h) and seccomp's actions (linux/seccomp.h).
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
# Offsets in struct seccomp_data: nr, arch, then args[0] (its low 32 bits, little-endian).
_NR, _ARCH, _ARG0 = 0, 4, 16

_PR_SET_NO_NEW_PRIVS = 38
_PR_GET_SECCOMP = 21
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_GET_ACTION_AVAIL = 2
_SECCOMP_FILTER_FLAG_TSYNC = 1
_X32_BIT = 0x40000000


@dataclass(frozen=True)
class Abi:
    """What the filter needs to know of one architecture: its audit number and the numbers
    of the system calls it filters."""

    machine: str
    audit_arch: int
    seccomp: int
    socket: int
    socketpair: int
    io_uring_setup: int


X86_64 = Abi("x86_64", 0xC000003E, seccomp=317, socket=41, socketpair=53, io_uring_setup=425)
AARCH64 = Abi("aarch64", 0xC00000B7, seccomp=277, socket=198, socketpair=199, io_uring_setup=425)
ABIS = {abi.machine: abi for abi in (X86_64, AARCH64)}
ABIS["arm64"] = AARCH64

Instruction = tuple[int, int, int, int]


def filter_program(abi: Abi) -> list[Instruction]:
    """The BPF program, as (code, jump if true, jump if false, constant) instructions."""
    refuse_socket = _RET_ERRNO | errno.EACCES
    refuse_call = _RET_ERRNO | errno.EPERM
    return [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 0, 9, abi.audit_arch),  # a foreign ABI: to the last instruction (EPERM)
        (_LD_W_ABS, 0, 0, _NR),
        (_JGE_K, 7, 0, _X32_BIT),  # x32 system calls: refused
        (_JEQ_K, 6, 0, abi.io_uring_setup),  # io_uring: refused
        (_JEQ_K, 1, 0, abi.socket),
        (_JEQ_K, 0, 3, abi.socketpair),  # neither: allowed
        (_LD_W_ABS, 0, 0, _ARG0),  # the address family
        (_JEQ_K, 1, 0, socket.AF_UNIX),
        (_RET_K, 0, 0, refuse_socket),
        (_RET_K, 0, 0, _RET_ALLOW),
        (_RET_K, 0, 0, refuse_call),
    ]


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


class SandboxError(OSError):
    """The sandbox cannot be installed here; the message says why."""


def _abi() -> Abi | None:
    return ABIS.get(platform.machine().lower()) if sys.platform == "linux" else None


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def unavailable() -> str | None:
    """Why the sandbox cannot be installed in this process (``None``: it can), asking the
    kernel without changing anything."""
    abi = _abi()
    if abi is None:
        return f"no seccomp filter is known for {sys.platform} on {platform.machine()}"
    libc = _libc()
    if libc.prctl(_PR_GET_SECCOMP, 0, 0, 0, 0) < 0:
        return f"the kernel has no seccomp: {os.strerror(ctypes.get_errno())}"
    action = ctypes.c_uint(_RET_ERRNO)
    if libc.syscall(abi.seccomp, _SECCOMP_GET_ACTION_AVAIL, 0, ctypes.byref(action)) != 0:
        return f"the kernel's seccomp cannot refuse a call: {os.strerror(ctypes.get_errno())}"
    return None


def install() -> None:
    """Install the filter in this process, for every thread; raises :class:`SandboxError`."""
    reason = unavailable()
    abi = _abi()
    if reason is not None or abi is None:
        raise SandboxError(reason or "no seccomp filter is known here")
    program = filter_program(abi)
    instructions = (_SockFilter * len(program))(*(_SockFilter(*i) for i in program))
    prog = _SockFprog(len(program), instructions)
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError(f"cannot set no_new_privs: {os.strerror(ctypes.get_errno())}")
    flags = _SECCOMP_FILTER_FLAG_TSYNC
    result = libc.syscall(abi.seccomp, _SECCOMP_SET_MODE_FILTER, flags, ctypes.byref(prog))
    if result != 0:
        cause = os.strerror(ctypes.get_errno()) if result < 0 else f"thread {result} differs"
        raise SandboxError(f"cannot install the seccomp filter: {cause}")


@dataclass(frozen=True)
class SandboxState:
    """Whether this process is in the sandbox, and in words why or why not (shown by
    ``lamcoop serve`` at start, by ``/-/health`` and, as a gauge, by ``/-/metrics``)."""

    active: bool
    detail: str


#: The state of an app that runs in a process ``lamcoop serve`` did not set up (tests,
#: ``--get``): nothing was installed.
NOT_SERVED = SandboxState(False, "off: not a lamcoop serve worker")


def off_reason(settings: Settings) -> str | None:
    """Why the workers of a server with ``settings`` run without the sandbox (``None``:
    they run in it). An allow-list needs the network, so it turns the sandbox off; the
    allow-list check is then what keeps queries to the listed IRIs."""
    if settings.service_allowlist:
        return "off: service_allowlist is set"
    if settings.remote_store:
        return "off: the store is remote (SERVICE and LOAD are refused before a query is sent)"
    if not settings.network_sandbox:
        return "off: network_sandbox is false"
    return None


def check_before_serving(settings: Settings) -> SandboxState:
    """What the workers of a server with ``settings`` will run in, checked by the serving
    process before any worker starts; raises :class:`SandboxError` when they should run in
    the sandbox and this system cannot give it."""
    reason = off_reason(settings)
    if reason is not None:
        return SandboxState(False, reason)
    problem = unavailable()
    if problem is not None:
        raise SandboxError(
            f"the network sandbox is unavailable ({problem}), and with an empty "
            "service_allowlist the workers must not reach the network: set "
            "network_sandbox = false (LAMCOOP_NETWORK_SANDBOX=false) to serve without it"
        )
    return SandboxState(True, "active")


def enter(settings: Settings) -> SandboxState:
    """Install the sandbox in this worker when ``settings`` want it (before the app opens
    the store, whose threads then inherit it); the state this process is in."""
    reason = off_reason(settings)
    if reason is not None:
        return SandboxState(False, reason)
    install()
    return SandboxState(True, "active")
