package io.hub.bench.relay;

import java.util.Arrays;

/** One-way times in microseconds, kept whole so the percentiles are exact; one writer thread. */
final class Latencies {

    private int[] micros;
    private int count;

    Latencies(int expected) {
        micros = new int[Math.max(16, expected)];
    }

    void add(long nanos) {
        if (count == micros.length) {
            micros = Arrays.copyOf(micros, micros.length * 2);
        }
        micros[count++] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, nanos / 1000));
    }

    /** The value below which {@code fraction} of the samples lie (nearest rank), or -1 without samples. */
    int percentile(double fraction) {
        if (count == 0) {
            return -1;
        }
        int[] sorted = Arrays.copyOf(micros, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(fraction * count);
        return sorted[Math.min(count, Math.max(1, rank)) - 1];
    }
}
