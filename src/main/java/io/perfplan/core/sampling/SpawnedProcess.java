package io.perfplan.core.sampling;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Process} view of a child started by {@link CommandRunner}, so callers that track processes
 * for cancellation can wait for it and end it (with its whole process tree). Its streams are empty:
 * the runner captures stdout and stderr itself.
 */
final class SpawnedProcess extends Process {

    private final int pid;
    private final ProcessHandle handle;
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private final Object reapLock = new Object();
    private boolean reaped;
    private volatile int exitCode;

    SpawnedProcess(int pid) {
        this.pid = pid;
        this.handle = ProcessHandle.of(pid).orElse(null);
    }

    /** Sends a signal to the process group, to every known descendant and to the child, unless it was already reaped. */
    void signalTree(int signal) {
        List<ProcessHandle> descendants = handle == null ? List.of() : handle.descendants().toList();
        synchronized (reapLock) {
            if (reaped) {
                return;
            }
            LinuxLibC.C.kill(-pid, signal);
            for (ProcessHandle d : descendants) {
                LinuxLibC.C.kill((int) d.pid(), signal);
            }
            LinuxLibC.C.kill(pid, signal);
        }
    }

    /** Called by the runner once the child has exited but before it is reaped: no signal may reach a reused pid. */
    void markExited() {
        synchronized (reapLock) {
            reaped = true;
        }
    }

    void complete(int code) {
        exitCode = code;
        exit.complete(this);
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            exit.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return exitCode;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(timeout, unit);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }
        return exitCode;
    }

    @Override
    public void destroy() {
        signalTree(LinuxLibC.SIGTERM);
    }

    @Override
    public Process destroyForcibly() {
        signalTree(LinuxLibC.SIGKILL);
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public boolean isAlive() {
        // Without a handle the child had already exited when it was spawned; callers then never need toHandle().
        return !exit.isDone() && handle != null && handle.isAlive();
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ProcessHandle toHandle() {
        if (handle == null) {
            throw new UnsupportedOperationException("process " + pid + " ended before it could be inspected");
        }
        return handle;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit.copy();
    }

    @Override
    public String toString() {
        return "SpawnedProcess[pid=" + pid + "]";
    }
}
