package io.hub.app.admin;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress bar on stderr for transfers that take more than a moment: nothing for the first
 * second, nothing when stderr is not a terminal, then a line redrawn every 200 ms.
 */
final class Progress implements AutoCloseable {

    private static final long QUIET_MILLIS = 1_000;

    private final String what;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private final long started = System.currentTimeMillis();
    private final Thread painter;
    private final PrintStream out = System.err;
    private volatile boolean drawn;

    Progress(String what, long total) {
        this.what = what;
        this.total = total;
        this.painter = new Thread(this::paint, "hub-progress");
        this.painter.setDaemon(true);
        if (System.console() != null) {
            painter.start();
        }
    }

    InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    done.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    done.addAndGet(n);
                }
                return n;
            }
        };
    }

    private void paint() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(200);
                if (System.currentTimeMillis() - started >= QUIET_MILLIS) {
                    draw();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void draw() {
        long sent = Math.min(done.get(), total);
        int percent = total == 0 ? 100 : (int) (sent * 100 / total);
        int filled = percent / 4;
        out.printf("\r%s [%s%s] %3d%% %s / %s", what, "#".repeat(filled), " ".repeat(25 - filled), percent,
                bytes(sent), bytes(total));
        drawn = true;
    }

    private static String bytes(long count) {
        return count >= 1 << 20 ? String.format("%.1f MiB", count / 1048576.0)
                : count >= 1 << 10 ? String.format("%.1f KiB", count / 1024.0) : count + " B";
    }

    @Override
    public void close() {
        painter.interrupt();
        if (drawn) {
            draw();
            out.println();
        }
    }
}
