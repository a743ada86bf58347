package io.hub.app.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunk compaction H2 leaves undone when it runs with {@code WRITE_DELAY=0}: that setting (which
 * the hub needs, see {@link HubDatabase}) also stops H2's background thread, and that thread is what
 * rewrites the live pages of sparse chunks. Without it, a chunk that keeps a few live pages stays for
 * as long as the file does, with the space around them, and H2's own issue tracker has long-running
 * files growing for days. A hub runs for months and rewrites bindings and contact rows all day.
 *
 * <p>Each {@link #tick} does what H2's own background thread does under load: when the live share of
 * the chunks is under {@link #TARGET_FILL_PERCENT}, it moves the live pages of the sparsest chunks, up
 * to {@link #WRITE_LIMIT_BYTES}, into a new chunk. H2 only rewrites chunks older than its retention
 * time ({@link #RETENTION_MILLIS}), and frees the old ones itself once they are that old, as any chunk
 * that commits emptied.
 * This is H2's normal compaction, under its store lock, and changes no committed data. It writes a
 * chunk, so it waits for the turn to write ({@link OneWriterAtATime} says why a chunk must never be
 * gathered while another thread's commit is half-way).
 *
 * <p>Under four minutes of REGISTER load at 3,400 a second the file settled at 1,314 MB with it and
 * 1,372 MB without (most of both is the 45 s of chunks H2 retained then); the registrations per
 * second were the same. What it is for is the months.
 *
 * <p>Every {@link #SYNC_MILLIS} it also forces the file to the disk, and that is what lets
 * {@link #start} shorten how long H2 keeps chunks nothing uses any more from its default of 45 s to
 * {@link #RETENTION_MILLIS}. H2 keeps them because writing over one is only safe once the chunks
 * written after it are on the disk, and it assumes the operating system writes its buffers out within
 * that time. A kill -9 loses no buffer either way, so this is about power cuts: with a force every
 * quarter of a second, two seconds leave that margin eight times over. Every chunk H2 keeps costs each
 * commit: its entry in the layout map that every commit rewrites, and its blocks in the free-space map
 * a commit searches for room. At a thousand commits a second the 45 s were tens of thousands of
 * chunks, and a commit of two bindings took about 275 µs instead of 160 µs (bench/RESULTS.md, the
 * binding writer's commits).
 */
final class H2Housekeeping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);

    /** H2's own target while the store is busy (its default auto-compact fill rate of 90, squared). */
    static final int TARGET_FILL_PERCENT = 80;
    /** At most this much live data is moved per tick, so one tick holds the store lock briefly. */
    static final int WRITE_LIMIT_BYTES = 1 << 20;
    private static final long TICK_MILLIS = 1_000;
    /** How often the file is forced to the disk. */
    static final long SYNC_MILLIS = 250;
    /** How long H2 keeps chunks nothing uses any more before it writes over them. */
    static final int RETENTION_MILLIS = 2_000;

    private final JdbcDataSource h2;
    private final OneWriterAtATime writers;
    private final AtomicLong syncs = new AtomicLong();
    private ScheduledExecutorService timer;
    /**
     * The store as last found: finding it opens a database session, and the syncs and ticks need it
     * five times a second.
     */
    private volatile MVStore known;

    /**
     * Housekeeping of the database {@code h2} opens; nothing runs until {@link #start}.
     *
     * @param writers the gate of the pool's connections: a tick writes chunks, so it takes the turn
     *     to write as a transaction does, and never gathers a chunk while a commit is half-way
     */
    H2Housekeeping(JdbcDataSource h2, OneWriterAtATime writers) {
        this.h2 = h2;
        this.writers = writers;
    }

    /**
     * Shortens H2's retention of unused chunks to {@link #RETENTION_MILLIS}, then ticks once a second
     * and forces the file every {@link #SYNC_MILLIS}, on a daemon thread of its own until {@link #close}.
     */
    void start() {
        try {
            MVStore store = store();
            if (store != null) {
                store.setRetentionTime(RETENTION_MILLIS);
            }
        } catch (SQLException e) {
            // H2's own retention is the safe side of this; the ticks still compact and sync.
            LOG.warn("database housekeeping keeps H2's retention of unused chunks: {}", e.getMessage());
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "hub-db-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::tickQuietly, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::syncQuietly, SYNC_MILLIS, SYNC_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * One round of compaction, when the chunks are sparse enough to need it.
     *
     * @return true when live pages were moved
     * @throws SQLException when the database cannot be reached
     */
    boolean tick() throws SQLException {
        return writers.alone(() -> {
            MVStore store = store();
            return store != null && !store.isClosed() && store.compact(TARGET_FILL_PERCENT, WRITE_LIMIT_BYTES);
        });
    }

    /**
     * Forces what H2 wrote so far to the disk. It takes no turn to write: commits go on meanwhile.
     *
     * @throws SQLException when the database cannot be reached
     */
    void sync() throws SQLException {
        MVStore store = store();
        if (store != null && !store.isClosed()) {
            store.sync();
            syncs.incrementAndGet();
        }
    }

    /** Times the file was forced to the disk. */
    long syncs() {
        return syncs.get();
    }

    /** How long H2 keeps chunks nothing uses any more, in milliseconds. */
    int retentionMillis() throws SQLException {
        MVStore store = store();
        return store == null ? -1 : store.getRetentionTime();
    }

    /** The live share of the file's chunks, in percent (100 is full), or -1 when the database is closed. */
    int chunksFillPercent() throws SQLException {
        MVStore store = store();
        return store == null || store.isClosed() ? -1 : store.getFileStore().getChunksFillRate();
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("database sync failed: {}", e.getMessage());
        }
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (SQLException | RuntimeException e) {
            // The next tick tries again; a database that is gone for good stops the hub elsewhere.
            LOG.warn("database housekeeping failed: {}", e.getMessage());
        }
    }

    /**
     * The store behind the database: an embedded connection shares the one the pool's connections use.
     * Looked up through a new session only when none is known or the known one was closed.
     */
    private MVStore store() throws SQLException {
        MVStore store = known;
        if (store != null && !store.isClosed()) {
            return store;
        }
        try (Connection connection = h2.getConnection()) {
            Object session = connection.unwrap(JdbcConnection.class).getSession();
            store = session instanceof SessionLocal local ? local.getDatabase().getStore().getMvStore() : null;
        }
        known = store;
        return store;
    }

    @Override
    public void close() {
        if (timer != null) {
            // Never interrupted: H2 closes its file under everyone when a thread is interrupted in a write.
            timer.shutdown();
            try {
                // A tick under way finishes before the pool closes the database under it.
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
