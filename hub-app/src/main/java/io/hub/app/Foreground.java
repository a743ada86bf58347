package io.hub.app;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * How a serving command ({@code hub start}, {@code hub relay}) runs: it describes itself, prints a
 * {@code ready (pid N)} line that scripts wait for, and serves until SIGTERM or Ctrl-C, when a
 * shutdown hook stops the service and prints {@code <name> stopped}.
 */
public final class Foreground {

    private Foreground() {
    }

    /** Returns only once the JVM is shutting down and {@code stop} has run. */
    public static int serve(PrintWriter out, String name, Runnable describe, Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            out.println(name + " stopped");
            out.flush();
            stopped.countDown();
        }, name + "-shutdown"));
        describe.run();
        out.println("ready (pid " + ProcessHandle.current().pid() + "); stop with Ctrl-C or SIGTERM");
        out.flush();
        stopped.await();
        return 0;
    }
}
