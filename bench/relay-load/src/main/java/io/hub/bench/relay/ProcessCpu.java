package io.hub.bench.relay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process used, from {@code /proc/PID/stat}: user plus system time of all its threads,
 * in clock ticks ({@code getconf CLK_TCK}, 100 on Linux).
 */
final class ProcessCpu {

    private final Path stat;
    private final int ticksPerSecond;

    ProcessCpu(long pid, int ticksPerSecond) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
        this.ticksPerSecond = ticksPerSecond;
    }

    static ProcessCpu self(int ticksPerSecond) {
        return new ProcessCpu(ProcessHandle.current().pid(), ticksPerSecond);
    }

    /** CPU seconds used so far. */
    double seconds() throws IOException {
        String line = Files.readString(stat);
        // The command name (field 2) is in parentheses and may hold spaces; fields count from after it.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (double) (utime + stime) / ticksPerSecond;
    }
}
