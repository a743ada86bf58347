package io.hub.sip.transport;

import java.util.concurrent.ThreadPoolExecutor;

/**
 * The worker pool makes one more thread for each parse given up on, and lets it go when that parse
 * ends: a stuck worker then costs other phones no capacity. A parse on a WebSocket holds one of the
 * web server's threads instead; the pool grows for it too, which the cap on stuck parses bounds.
 */
final class StandInWorkers implements BoundedParser.Threads {

    private final ThreadPoolExecutor workers;

    StandInWorkers(ThreadPoolExecutor workers) {
        this.workers = workers;
    }

    @Override
    public synchronized void lost() {
        // The maximum first: the core size may never exceed it.
        workers.setMaximumPoolSize(workers.getMaximumPoolSize() + 1);
        workers.setCorePoolSize(workers.getCorePoolSize() + 1);
    }

    @Override
    public synchronized void back() {
        workers.setCorePoolSize(workers.getCorePoolSize() - 1);
        workers.setMaximumPoolSize(workers.getMaximumPoolSize() - 1);
    }
}
