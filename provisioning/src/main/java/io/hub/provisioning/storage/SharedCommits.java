package io.hub.provisioning.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Short writes of many threads committed together (group commit). A thread hands in its work and
 * takes the turn to write; whoever holds the turn runs every work waiting by then, each in a
 * savepoint of one transaction, and commits once. A work that throws is undone alone, back to its
 * savepoint, and its thread gets the error; the others commit. Every thread returns only once the
 * commit that carried its work is durable, as with a transaction of its own.
 *
 * <p>What it saves: a boot storm's phones each write a contact (with an audit row) on discovery,
 * configuration and status, and a commit of H2 writes the changed pages of every table it touched,
 * the same pages again for each phone. Under load, the works of the phones that arrived during one
 * commit share the next.
 *
 * <p>A work may also be {@linkplain #handIn handed in} without its thread waiting: it is carried by
 * the next round anyone runs, a waiting thread's or {@link #drain}'s, and its failure goes to the
 * handler it came with.
 */
final class SharedCommits {

    /** The most works one transaction carries; more wait for the next turn. */
    static final int MAX_ROUND = 64;

    private final DataSource dataSource;
    private final ConcurrentLinkedQueue<Pending<?>> waiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock turn = new ReentrantLock();
    private final AtomicInteger handedIn = new AtomicInteger();
    private long transactions;
    private long works;

    SharedCommits(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs {@code work} in a transaction shared with others handed in meanwhile; see the class. Not
     * from inside a transaction: the shared one may need the write turn that one holds.
     */
    <T> T run(Database.SqlWork<T> work) {
        Pending<T> mine = new Pending<>(work, null);
        waiting.add(mine);
        turn.lock();
        try {
            // A round carries at most MAX_ROUND works, oldest first: with more waiting ahead of this
            // one, it takes more than one round to reach it.
            while (!mine.done) {
                runRound();
            }
        } finally {
            turn.unlock();
        }
        return mine.outcome();
    }

    /**
     * Queues {@code work} for the next round without waiting for it; {@code failed} is told (on the
     * thread that ran the round) when it is undone, alone or with its round.
     */
    void handIn(Database.SqlWork<?> work, Consumer<RuntimeException> failed) {
        handedIn.incrementAndGet();
        waiting.add(new Pending<>(work, failed));
    }

    /**
     * Commits every work queued when called, in as many rounds as that takes, and returns once they
     * are durable (or have failed). Works queued meanwhile may be carried too.
     */
    void drain() {
        turn.lock();
        try {
            for (int rounds = waiting.size() / MAX_ROUND + 1; rounds > 0 && !waiting.isEmpty(); rounds--) {
                runRound();
            }
        } finally {
            turn.unlock();
        }
    }

    /** Works handed in and not yet taken into a transaction. */
    int waiting() {
        return waiting.size();
    }

    /** Works {@linkplain #handIn handed in} whose round has not ended yet. */
    int handedIn() {
        return handedIn.get();
    }

    /** Transactions committed so far and the works they carried: their ratio is the grouping. */
    synchronized long[] counts() {
        return new long[] {transactions, works};
    }

    private void runRound() {
        List<Pending<?>> round = new ArrayList<>();
        for (Pending<?> next = waiting.poll(); next != null; next = round.size() < MAX_ROUND ? waiting.poll() : null) {
            round.add(next);
        }
        try {
            List<Pending<?>> carried = commit(round);
            count(carried.size());
            carried.forEach(Pending::committed);
        } catch (SQLException | RuntimeException e) {
            RuntimeException failed = e instanceof RuntimeException runtime ? runtime
                    : new StorageException((SQLException) e);
            for (Pending<?> pending : round) {
                // Works that failed alone keep their own error; the rest, run or not, share this one.
                pending.failUnlessFailed(failed);
            }
        } finally {
            // Every thread of the round is answered, whatever happened: none waits for a turn in vain.
            round.forEach(Pending::finish);
        }
    }

    /** Runs the round's works in one transaction and commits it; returns those that did not fail alone. */
    private List<Pending<?>> commit(List<Pending<?>> round) throws SQLException {
        List<Pending<?>> carried = new ArrayList<>(round.size());
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Pending<?> pending : round) {
                    if (pending.runIn(connection)) {
                        carried.add(pending);
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
        return carried;
    }

    private synchronized void count(int carried) {
        transactions++;
        works += carried;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the commit's own failure is what the callers learn
        }
    }

    /** One thread's work and what came of it. Written under the turn, read by its thread after it. */
    private final class Pending<T> {
        private final Database.SqlWork<T> work;
        /** For a work handed in: told of its failure, since no thread waits for it. */
        private final Consumer<RuntimeException> failed;
        private List<Runnable> afterCommit = List.of();
        private T result;
        private RuntimeException error;
        private volatile boolean done;

        Pending(Database.SqlWork<T> work, Consumer<RuntimeException> failed) {
            this.work = work;
            this.failed = failed;
        }

        /** Runs the work in its savepoint; false when it threw and was undone. */
        boolean runIn(Connection connection) throws SQLException {
            Savepoint savepoint = connection.setSavepoint();
            // A work's after-commit tasks are its own, gathered on the thread that runs it.
            List<Runnable> tasks = Database.openAfterCommitScope();
            try {
                result = work.run(connection);
                afterCommit = tasks;
                connection.releaseSavepoint(savepoint);
                return true;
            } catch (SQLException e) {
                connection.rollback(savepoint);
                error = new StorageException(e);
                return false;
            } catch (RuntimeException e) {
                connection.rollback(savepoint);
                error = e;
                return false;
            } finally {
                Database.closeAfterCommitScope();
            }
        }

        void failUnlessFailed(RuntimeException e) {
            if (error == null) {
                error = e;
                result = null;
            }
        }

        /**
         * Tells the caches of what this work wrote, now that it is durable. A task that throws is its
         * caller's error, as after a transaction of its own; the other works' tasks still run.
         */
        void committed() {
            try {
                afterCommit.forEach(Runnable::run);
            } catch (RuntimeException e) {
                error = e;
            }
        }

        void finish() {
            done = true;
            if (failed != null) {
                handedIn.decrementAndGet();
                if (error != null) {
                    failed.accept(error);
                }
            }
        }

        T outcome() {
            if (error != null) {
                throw error;
            }
            return result;
        }
    }
}
