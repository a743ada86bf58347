package io.hub.provisioning.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hub.provisioning.TestDatabase;
import io.hub.provisioning.TestStore;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit of short writes ({@link Database#sharedTransaction}) on a real database. */
class SharedCommitsTest {

    private static final int THREADS = 12;

    @TempDir
    Path directory;

    private TestDatabase test;
    private Database database;
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

    TestStore store() {
        return TestStore.H2;
    }

    @BeforeEach
    void open() {
        test = TestDatabase.open(store(), directory);
        database = test.database();
        database.transaction(connection -> {
            try (PreparedStatement create = connection.prepareStatement(
                    "CREATE TABLE shared_note (id INT PRIMARY KEY, text VARCHAR(40))")) {
                create.executeUpdate();
            }
            return null;
        });
    }

    @AfterEach
    void close() throws Exception {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        test.close();
    }

    @Test
    void worksHandedInWhileACommitIsUnderWayShareTheNextOne() throws Exception {
        HeldTurn held = holdTheTurn(connection -> {
            insert(connection, 0);
            return 0;
        });
        List<Future<Integer>> others = new ArrayList<>();
        for (int i = 1; i < THREADS; i++) {
            int id = i;
            others.add(threads.submit(() -> database.sharedTransaction(connection -> {
                insert(connection, id);
                return id;
            })));
        }
        // Every other work is waiting for the turn the first one holds.
        for (int i = 0; i < 1000 && database.shared().waiting() < THREADS - 1; i++) {
            Thread.sleep(10);
        }
        assertEquals(THREADS - 1, database.shared().waiting());
        held.release().countDown();

        assertEquals(0, held.holder().get(10, TimeUnit.SECONDS));
        for (int i = 1; i < THREADS; i++) {
            assertEquals(i, others.get(i - 1).get(10, TimeUnit.SECONDS), "each caller gets its own result");
        }
        assertEquals(THREADS, count());
        long[] commits = database.sharedCommits();
        assertEquals(THREADS, commits[1], "works carried");
        assertEquals(2, commits[0], "the first work's transaction, then one for all who waited for it");
    }

    @Test
    void aWorkThatThrowsIsUndoneAloneAndOnlyItsCallerLearnsIt() throws Exception {
        HeldTurn held = holdTheTurn(connection -> null);
        List<String> told = new CopyOnWriteArrayList<>();
        Future<?> good = threads.submit(() -> database.sharedTransaction(connection -> {
            insert(connection, 1);
            Database.afterCommit(() -> told.add("good"));
            return null;
        }));
        IllegalStateException refusal = new IllegalStateException("refused by the work itself");
        Future<?> throwing = threads.submit(() -> database.sharedTransaction(connection -> {
            insert(connection, 2);
            Database.afterCommit(() -> told.add("throwing"));
            throw refusal;
        }));
        Future<?> failingSql = threads.submit(() -> database.sharedTransaction(connection -> {
            insert(connection, 3);
            insert(connection, 3); // a duplicate key: the database refuses it
            return null;
        }));
        Future<?> after = threads.submit(() -> database.sharedTransaction(connection -> {
            insert(connection, 4);
            return null;
        }));
        for (int i = 0; i < 1000 && database.shared().waiting() < 4; i++) {
            Thread.sleep(10);
        }
        held.release().countDown();

        held.holder().get(10, TimeUnit.SECONDS);
        good.get(10, TimeUnit.SECONDS);
        after.get(10, TimeUnit.SECONDS);
        assertSame(refusal, assertThrows(java.util.concurrent.ExecutionException.class,
                () -> throwing.get(10, TimeUnit.SECONDS)).getCause());
        Throwable storage = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> failingSql.get(10, TimeUnit.SECONDS)).getCause();
        assertTrue(storage instanceof StorageException, String.valueOf(storage));
        assertEquals(List.of(1, 4), ids(), "the rows of the works that threw are gone, no one else's");
        assertEquals(List.of("good"), told, "only the committed work's after-commit task ran");
    }

    @Test
    void aLoneWorkCommitsAtOnceAndItsAfterCommitTaskRunsBeforeTheCallerReturns() {
        List<String> told = new ArrayList<>();
        String result = database.sharedTransaction(connection -> {
            insert(connection, 7);
            Database.afterCommit(() -> told.add("committed"));
            assertEquals(List.of(), told, "not before the commit");
            return "done";
        });
        assertEquals("done", result);
        assertEquals(List.of("committed"), told);
        assertEquals(List.of(7), ids());
    }

    @Test
    void notFromInsideATransactionWhoseWriteTurnItCouldWaitFor() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> database.transaction(
                connection -> database.sharedTransaction(inner -> null)));
        assertEquals("a shared transaction cannot run inside another transaction", refused.getMessage());
        Throwable nested = assertThrows(IllegalStateException.class, () -> database.sharedTransaction(
                connection -> database.sharedTransaction(inner -> null)));
        assertEquals(refused.getMessage(), nested.getMessage());
        assertEquals(List.of(), ids());
    }

    @Test
    void anAfterCommitTaskThatThrowsIsItsOwnCallersErrorAndTheWriteStays() {
        IllegalStateException broken = new IllegalStateException("a cache that could not be told");
        assertSame(broken, assertThrows(IllegalStateException.class, () -> database.sharedTransaction(connection -> {
            insert(connection, 5);
            Database.afterCommit(() -> {
                throw broken;
            });
            return null;
        })));
        assertEquals(List.of(5), ids(), "committed before its task ran");
        int next = database.sharedTransaction(connection -> {
            insert(connection, 6);
            return 6;
        });
        assertEquals(6, next, "the next caller takes the turn as usual");
    }

    @Test
    void aCallerBehindMoreThanOneRoundOfWorksIsStillCarried() throws Exception {
        HeldTurn held = holdTheTurn(connection -> null);
        int queued = SharedCommits.MAX_ROUND + 6;
        for (int i = 0; i < queued; i++) {
            int id = 100 + i;
            database.shared().handIn(connection -> {
                insert(connection, id);
                return null;
            }, error -> {
            });
        }
        Future<Integer> last = threads.submit(() -> database.sharedTransaction(connection -> {
            insert(connection, 1);
            return 1;
        }));
        for (int i = 0; i < 1000 && database.shared().waiting() < queued + 1; i++) {
            Thread.sleep(10);
        }
        held.release().countDown();

        held.holder().get(10, TimeUnit.SECONDS);
        assertEquals(1, last.get(10, TimeUnit.SECONDS));
        assertEquals(queued + 1, count(), "the caller's work and every work queued ahead of it");
        assertEquals(0, database.shared().handedIn());
    }

    @Test
    void aWriteBehindReturnsBeforeItsCommitAndIsDurableOnceAwaited() throws Exception {
        HeldTurn held = holdTheTurn(connection -> null);
        List<String> told = new CopyOnWriteArrayList<>();
        // The turn is held: had the write waited for its commit, it would not return until release.
        database.writeBehind(connection -> {
            insert(connection, 8);
            Database.afterCommit(() -> told.add("committed"));
            return null;
        });
        assertEquals(List.of(), told);
        assertEquals(1, database.writesBehind()[0], "queued");
        held.release().countDown();
        held.holder().get(10, TimeUnit.SECONDS);

        database.awaitWritesBehind();
        assertEquals(List.of(8), ids());
        assertEquals(List.of("committed"), told);
        assertEquals(0, database.writesBehind()[0]);
    }

    @Test
    void theFlusherCommitsAWriteBehindThatNobodyAwaits() throws Exception {
        database.writeBehind(connection -> {
            insert(connection, 9);
            return null;
        });
        // The flusher's tick is real time; bounded, and far beyond it.
        for (int i = 0; i < 500 && count() == 0; i++) {
            Thread.sleep(20);
        }
        assertEquals(List.of(9), ids());
    }

    @Test
    void aWriteBehindThatFailsIsUndoneAloneAndCounted() {
        database.writeBehind(connection -> {
            insert(connection, 10);
            return null;
        });
        database.writeBehind(connection -> {
            insert(connection, 11);
            insert(connection, 11); // a duplicate key: the database refuses it
            return null;
        });
        database.writeBehind(connection -> {
            insert(connection, 12);
            return null;
        });
        database.awaitWritesBehind();
        assertEquals(List.of(10, 12), ids());
        assertEquals(1, database.writesBehind()[1], "failed");
    }

    @Test
    void aFullQueueMakesTheWriterCommitItsOwnAndLearnItsError() throws Exception {
        HeldTurn held = holdTheTurn(connection -> null);
        for (int i = 0; i < WritesBehind.MAX_QUEUED; i++) {
            database.shared().handIn(connection -> null, error -> {
            });
        }
        IllegalStateException refusal = new IllegalStateException("refused by the work itself");
        Future<?> overflowing = threads.submit(() -> {
            database.writeBehind(connection -> {
                throw refusal;
            });
            return null;
        });
        held.release().countDown();
        held.holder().get(10, TimeUnit.SECONDS);
        assertSame(refusal, assertThrows(java.util.concurrent.ExecutionException.class,
                () -> overflowing.get(30, TimeUnit.SECONDS)).getCause(), "committed by its writer, not behind");
        assertEquals(0, database.writesBehind()[1], "not a failure of a write behind");
    }

    @Test
    void writesBehindAreNeitherHandedInNorAwaitedInsideATransaction() {
        IllegalStateException handed = assertThrows(IllegalStateException.class, () -> database.transaction(
                connection -> {
                    database.writeBehind(inner -> null);
                    return null;
                }));
        assertEquals("a write behind cannot be handed in inside a transaction", handed.getMessage());
        IllegalStateException awaited = assertThrows(IllegalStateException.class, () -> database.transaction(
                connection -> {
                    database.awaitWritesBehind();
                    return null;
                }));
        assertEquals("writes behind cannot be awaited inside a transaction", awaited.getMessage());
    }

    @Test
    void closingCommitsWhatIsQueued() {
        database.writeBehind(connection -> {
            insert(connection, 13);
            return null;
        });
        database.close();
        assertEquals(List.of(13), ids());
        database.writeBehind(connection -> {
            insert(connection, 14);
            return null;
        });
        assertEquals(List.of(13, 14), ids(), "after close, a writer commits its own");
    }

    /** A shared transaction that runs {@code work} and then holds the turn until released: works handed in meanwhile wait. */
    private HeldTurn holdTheTurn(Database.SqlWork<Integer> work) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Integer> holder = threads.submit(() -> database.sharedTransaction(connection -> {
            Integer result = work.run(connection);
            running.countDown();
            await(release);
            return result;
        }));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        return new HeldTurn(holder, release);
    }

    private record HeldTurn(Future<Integer> holder, CountDownLatch release) {
    }

    private static void insert(java.sql.Connection connection, int id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO shared_note (id, text) VALUES (?, ?)")) {
            insert.setInt(1, id);
            insert.setString(2, "note " + id);
            insert.executeUpdate();
        }
    }

    private int count() {
        return ids().size();
    }

    private List<Integer> ids() {
        return database.transaction(connection -> {
            List<Integer> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM shared_note ORDER BY id");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getInt(1));
                }
            }
            return ids;
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
