package io.hub.sip.location;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binding changes made durable by appending them to a journal file, and copied into the table
 * store behind it a few times a second (a checkpoint). A REGISTER's change is durable once its
 * record is written to the file, which a kill -9 does not undo, exactly as a commit of the embedded
 * database is: neither forces the disk per change. Appending one record costs a write of a few
 * hundred bytes, where a commit of the embedded database rewrites the pages of every row it
 * touched and the store's own bookkeeping; that commit was half of the binding writer's time.
 *
 * <p>The journal is a sequence of segment files ({@code sip-bindings-N.journal}, 0600,
 * beside the database's own files). Every checkpoint
 * starts a new segment, hands the changes of the finished ones to the table store (the last set of
 * each AOR, in transactions of at most {@link #CHECKPOINT_BATCH} AORs), forces the finished
 * segment and deletes it once the table holds its changes. Each record is an AOR's whole binding
 * set, so replaying segments in order over the table gives the right sets even when the table
 * already holds some of them (a crash after a checkpoint's commit, before its segment was deleted).
 * {@link #load} replays what a crash left, then returns the table's bindings.
 *
 * <p>Only for a store one process owns alone: nodes sharing a database write their rows directly.
 */
public final class JournaledBindingStore implements BindingStore {

    private static final Logger LOG = LoggerFactory.getLogger(JournaledBindingStore.class);

    /** How often changes move from the journal to the table, and the journal is forced to the disk. */
    public static final Duration CHECKPOINT_EVERY = Duration.ofMillis(250);

    /** The most AORs one checkpoint transaction carries. */
    static final int CHECKPOINT_BATCH = 512;

    private static final Pattern SEGMENT = Pattern.compile("sip-bindings-(\\d{1,18})\\.journal");

    /** Segments hold phones' contacts and addresses: the hub's user's only, as the database is. */
    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE = java.nio.file.attribute
            .PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    private final BindingStore table;
    private final Path directory;
    private final JournalRecords records = new JournalRecords();
    private final ScheduledExecutorService checkpointer;
    private final Object lock = new Object();
    private final Object checkpointing = new Object();

    /**
     * Guarded by {@link #lock}: the segment being appended to (null until the next write opens one),
     * the number of the last segment opened, and the changes journaled since the last checkpoint.
     */
    private FileChannel segment;
    private long segmentNumber = -1;
    private boolean closed;
    private Map<String, List<Binding>> unwritten = new LinkedHashMap<>();

    /**
     * Guarded by {@link #checkpointing}: changes of finished segments the table does not hold yet
     * (kept when the table refused them), the last of those segments, and checkpoints done.
     */
    private final Map<String, List<Binding>> toTable = new LinkedHashMap<>();
    private long finishedUpTo = -1;
    private long checkpoints;

    /**
     * A journal in {@code directory} in front of {@code table}, checkpointed every {@code every}, or
     * only when {@link #checkpoint} is called when {@code every} is null.
     */
    public JournaledBindingStore(BindingStore table, Path directory, Duration every) {
        this.table = table;
        this.directory = directory;
        if (every == null) {
            checkpointer = null;
        } else {
            checkpointer = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "sip-binding-checkpoint");
                thread.setDaemon(true);
                return thread;
            });
            checkpointer.scheduleWithFixedDelay(this::checkpointQuietly, every.toMillis(), every.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Replays the segments a crash left into the table, deletes them, and returns the table's
     * bindings. Changes are journaled only after this.
     *
     * @throws IllegalStateException when a segment cannot be read or the table refuses its changes
     */
    @Override
    public List<Binding> load() {
        synchronized (lock) {
            try {
                Files.createDirectories(directory);
                TreeMap<Long, Path> segments = segments();
                Map<String, List<Binding>> replayed = new LinkedHashMap<>();
                int read = 0;
                for (Path file : segments.values()) {
                    read += replay(file, replayed);
                }
                toTable(replayed);
                for (Path file : segments.values()) {
                    Files.delete(file);
                }
                if (!segments.isEmpty()) {
                    LOG.info("sip bindings: {} journal record(s) of {} AOR(s) replayed from {} segment(s)", read,
                            replayed.size(), segments.size());
                }
                segmentNumber = segments.isEmpty() ? 0 : segments.lastKey();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the binding journal in " + directory + ": "
                        + e.getMessage(), e);
            }
        }
        return table.load();
    }

    /** An append under a short lock: REGISTERs write their own, without a writer thread between. */
    @Override
    public boolean concurrentWrites() {
        return true;
    }

    /**
     * Appends the changes to the journal in one write; they are durable when it returns.
     *
     * @throws IllegalStateException when the table could not hold a change, or the journal cannot be
     *     written; nothing of it counts then
     */
    @Override
    public void replaceAll(List<AorBindings> changes) {
        changes.forEach(table::check); // what the journal acknowledges, the table must take
        ByteBuffer bytes;
        synchronized (lock) {
            bytes = records.encode(changes);
            if (segmentNumber < 0 || closed) {
                throw new IllegalStateException(closed ? "the binding journal is closed"
                        : "the binding journal is not loaded yet");
            }
            try {
                if (segment == null) {
                    segmentNumber++; // past a number whose file could not be made, too
                    segment = open(segmentNumber);
                }
                while (bytes.hasRemaining()) {
                    segment.write(bytes);
                }
            } catch (IOException e) {
                // Part of the records may be in the file: replay stops at them, so nothing may follow
                // them there. Later changes go to a new segment.
                if (segment != null) {
                    abandonSegment();
                }
                throw new IllegalStateException("cannot write the binding journal: " + e.getMessage(), e);
            }
            changes.forEach(change -> unwritten.put(change.aor(), change.bindings()));
        }
    }

    /**
     * Copies every change journaled so far into the table and deletes the segments that held them;
     * changes made meanwhile go to a new segment. When the table refuses, the changes are kept and
     * tried again at the next checkpoint, and their segments stay.
     *
     * @throws IllegalStateException when the table refuses the changes
     */
    @Override
    public void checkpoint() {
        synchronized (checkpointing) {
            FileChannel finished = null;
            synchronized (lock) {
                if (!unwritten.isEmpty()) {
                    finished = segment;
                    finishedUpTo = segmentNumber;
                    toTable.putAll(unwritten);
                    unwritten = new LinkedHashMap<>();
                    segment = null; // the next write starts the next segment
                }
            }
            if (finished != null) {
                forceAndClose(finished);
            }
            if (toTable.isEmpty()) {
                return;
            }
            toTable(toTable);
            deleteSegmentsUpTo(finishedUpTo);
            checkpoints++;
        }
    }

    /** The table's file is forced on its own schedule; a segment is, before its changes leave it. */
    private void forceAndClose(FileChannel finished) {
        try (finished) {
            finished.force(false);
        } catch (IOException e) {
            LOG.warn("sip bindings: journal segment {} not forced: {}", finishedUpTo, e.getMessage());
        }
    }

    /** Checkpoints done so far. */
    public long checkpoints() {
        synchronized (checkpointing) {
            return checkpoints;
        }
    }

    /**
     * Writes the last set of each AOR in {@code changes} to the table, in transactions of a bounded
     * size. A transaction the table refuses is written again one AOR at a time, so that one set the
     * table does not take (it passed {@link BindingStore#check}) cannot hold back the others.
     *
     * @throws IllegalStateException when the table refuses changes; those that it took are not retried
     */
    private void toTable(Map<String, List<Binding>> changes) {
        List<AorBindings> batch = new ArrayList<>(Math.min(changes.size(), CHECKPOINT_BATCH));
        List<String> refused = new ArrayList<>();
        for (var i = changes.entrySet().iterator(); i.hasNext(); ) {
            Map.Entry<String, List<Binding>> change = i.next();
            batch.add(new AorBindings(change.getKey(), change.getValue()));
            if (batch.size() == CHECKPOINT_BATCH || !i.hasNext()) {
                write(batch, refused);
                batch.clear();
            }
        }
        changes.keySet().retainAll(refused);
        if (!refused.isEmpty()) {
            throw new IllegalStateException("the table refused the bindings of " + refused.size() + " AOR(s), e.g. "
                    + refused.get(0));
        }
    }

    private void write(List<AorBindings> batch, List<String> refused) {
        try {
            table.replaceAll(batch);
        } catch (RuntimeException whole) {
            for (AorBindings change : batch) {
                try {
                    table.replaceAll(List.of(change));
                } catch (RuntimeException alone) {
                    refused.add(change.aor());
                }
            }
        }
    }

    private void checkpointQuietly() {
        try {
            checkpoint();
        } catch (RuntimeException e) {
            LOG.warn("sip bindings: checkpoint failed, its changes stay in the journal: {}", e.getMessage());
        }
    }

    /** Reads every whole record of {@code file} into {@code into} (last set per AOR); returns how many. */
    private static int replay(Path file, Map<String, List<Binding>> into) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        if (bytes.remaining() < JournalRecords.MAGIC.length) {
            return 0; // created, and the crash came before its first write
        }
        byte[] magic = new byte[JournalRecords.MAGIC.length];
        bytes.get(magic);
        if (!java.util.Arrays.equals(magic, JournalRecords.MAGIC)) {
            throw new IOException(file.getFileName() + " is not a binding journal segment");
        }
        int read = 0;
        for (Optional<AorBindings> next = JournalRecords.next(bytes); next.isPresent();
                next = JournalRecords.next(bytes)) {
            into.put(next.get().aor(), next.get().bindings());
            read++;
        }
        if (bytes.hasRemaining()) {
            LOG.warn("sip bindings: journal segment {} ends in {} byte(s) of a record a crash cut short; "
                    + "it was never acknowledged", file.getFileName(), bytes.remaining());
        }
        return read;
    }

    private TreeMap<Long, Path> segments() throws IOException {
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (var files = Files.list(directory)) {
            files.forEach(file -> {
                Matcher name = SEGMENT.matcher(file.getFileName().toString());
                if (name.matches()) {
                    segments.put(Long.parseLong(name.group(1)), file);
                }
            });
        }
        return segments;
    }

    private void deleteSegmentsUpTo(long last) {
        try {
            for (Map.Entry<Long, Path> old : segments().headMap(last, true).entrySet()) {
                Files.deleteIfExists(old.getValue());
            }
        } catch (IOException e) {
            // Replaying them again later is harmless: each record is a whole set, and newer ones follow.
            LOG.warn("sip bindings: journal segments up to {} not deleted: {}", last, e.getMessage());
        }
    }

    private FileChannel open(long number) throws IOException {
        FileChannel channel = FileChannel.open(directory.resolve("sip-bindings-" + number + ".journal"),
                java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                PRIVATE);
        ByteBuffer magic = ByteBuffer.wrap(JournalRecords.MAGIC);
        while (magic.hasRemaining()) {
            channel.write(magic);
        }
        return channel;
    }

    /** Closes a segment a write failed in; the next write starts the next one. */
    private void abandonSegment() {
        try {
            segment.close();
        } catch (IOException ignored) {
            // it is given up either way
        }
        segment = null;
    }

    /** Copies what is journaled into the table (a last checkpoint) and closes the journal. */
    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.shutdown();
            try {
                checkpointer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            checkpoint();
        } catch (RuntimeException e) {
            LOG.warn("sip bindings: last checkpoint failed, the journal keeps its changes: {}", e.getMessage());
        }
        synchronized (lock) {
            closed = true;
            if (segment != null) {
                try {
                    segment.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                segment = null;
            }
        }
    }
}
