package io.hub.phone.fleet;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of durations in milliseconds. */
public final class Percentiles {

    private double[] values = new double[64];
    private int count;

    public synchronized void add(double millis) {
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        values[count++] = millis;
    }

    public synchronized int count() {
        return count;
    }

    /** The {@code p}th percentile (0 < p <= 100) by nearest rank; 0 with no values. */
    public synchronized double percentile(double p) {
        if (count == 0) {
            return 0;
        }
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))];
    }

    public synchronized double max() {
        double max = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, values[i]);
        }
        return max;
    }

    /** {@code p50 … p95 … p99 … max …} in milliseconds. */
    public String summary() {
        return String.format(Locale.ROOT, "p50 %8.1f  p95 %8.1f  p99 %8.1f  max %8.1f", percentile(50),
                percentile(95), percentile(99), max());
    }
}
