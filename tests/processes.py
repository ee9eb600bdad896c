"""Child processes of the tests, bounded in time together with everything they start.

``subprocess.run(..., timeout=...)`` kills only the child it started; a grandchild (a notebook kernel, a pool
worker, a nested pytest's workers) that still holds the output pipes keeps ``run`` reading them forever, so one
stuck grandchild turns into a CI run that never ends.  Here the child leads its own process group, and a timeout
kills the whole group before the pipes are read.
"""
import os
import signal
import subprocess


def run(cmd, *, timeout: float, **kwargs) -> subprocess.CompletedProcess:
    """:func:`subprocess.run` with ``capture_output=True, text=True``, killing the child's whole process group
    when ``timeout`` seconds pass (then :class:`subprocess.TimeoutExpired` is raised with what was printed)."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    with subprocess.Popen(cmd, text=True, start_new_session=True, **kwargs) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            try:  # a process that left the group may still hold the pipes: don't wait for it
                out, err = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                out, err = "", ""
            raise subprocess.TimeoutExpired(cmd, timeout, out, err) from None
        except BaseException:  # pytest-timeout's alarm, ^C: leave nothing running behind
            kill_group(proc)
            raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process group that ``proc`` leads (started with ``start_new_session=True``)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
