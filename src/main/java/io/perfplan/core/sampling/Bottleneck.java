package io.perfplan.core.sampling;

/** What limits a command, a process or the machine, as named in plans and reports. */
public enum Bottleneck {
    CPU_BOUND("cpu-bound"),
    MEMORY_GROWTH("memory-growth"),
    GC_PRESSURE("gc-pressure"),
    LOCK_CONTENTION("lock-contention"),
    IO_WAIT("io-wait"),
    /** Low CPU but slow: time goes to something outside the process (network, a database, sleeps). */
    WAITING("waiting"),
    /** Neither busy nor idle enough for one cause to stand out. */
    MIXED("mixed"),
    /** For the machine: no resource is near saturation. */
    NONE("none");

    private final String label;

    Bottleneck(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
