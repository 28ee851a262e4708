package io.perfplan.core.sampling;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc calls the command runner needs to own its children: {@code posix_spawn} (so the JDK's
 * reaper thread never waits for them) and {@code waitid}/{@code wait4} (so the kernel hands back the
 * exact resource usage of each child). x86_64/aarch64 Linux with glibc 2.34 or newer.
 */
interface LinuxLibC extends Library {

    LinuxLibC C = Native.load("c", LinuxLibC.class);

    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_CLOEXEC = 0x80000;
    int F_DUPFD_CLOEXEC = 1030;
    int P_PID = 1;
    int WEXITED = 4;
    int WNOHANG = 1;
    int WNOWAIT = 0x01000000;
    int EINTR = 4;
    int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGPIPE = 13, SIGTERM = 15;
    short POSIX_SPAWN_SETPGROUP = 0x02;
    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** Generous upper bounds of glibc's opaque struct sizes (80, 336 and 128 bytes on x86_64). */
    int FILE_ACTIONS_BYTES = 256, SPAWN_ATTR_BYTES = 512, SIGSET_BYTES = 128, SIGINFO_BYTES = 128;
    /** struct rusage: two timevals then fourteen longs. */
    int RUSAGE_BYTES = 144;
    /** getrusage's who for the calling process; ru_maxrss (KiB) follows the two timevals of user and system time. */
    int RUSAGE_SELF = 0, RU_MAXRSS_OFFSET = 32;

    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, String[] argv, String[] envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int fromFd);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    int sigemptyset(Pointer set);

    int sigaddset(Pointer set, int signal);

    int SC_CLK_TCK = 2, SC_PAGESIZE = 30;

    long sysconf(int name);

    int pipe2(int[] fds, int flags);

    long read(int fd, byte[] buffer, long count);

    long write(int fd, byte[] buffer, long count);

    int close(int fd);

    int fcntl(int fd, int command, int argument);

    int kill(int pid, int signal);

    int waitid(int idType, int id, Pointer siginfo, int options);

    int wait4(int pid, IntByReference status, int options, Pointer rusage);

    int getrusage(int who, Pointer usage);
}
