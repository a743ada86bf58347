package io.hub.pki;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive, re-entrant lock on a directory, held against other threads of this process and,
 * through a file lock on {@code .lock}, against other processes (a CLI command beside a running hub).
 */
final class DirectoryLock implements AutoCloseable {

    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final Map<Path, FileLock> FILE_LOCKS = new ConcurrentHashMap<>();

    private final Path directory;
    private final ReentrantLock threads;

    private DirectoryLock(Path directory, ReentrantLock threads) {
        this.directory = directory;
        this.threads = threads;
    }

    static DirectoryLock acquire(Path directory) {
        Path key = canonical(directory);
        ReentrantLock threads = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        threads.lock();
        if (threads.getHoldCount() == 1) {
            try {
                FileChannel channel = FileChannel.open(key.resolve(".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                try {
                    FILE_LOCKS.put(key, channel.lock());
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                threads.unlock();
                throw new PkiException("cannot lock " + key.resolve(".lock") + ": " + PemFiles.oneLine(e));
            }
        }
        return new DirectoryLock(key, threads);
    }

    /** One key per directory however it is reached, symbolic links included. */
    private static Path canonical(Path directory) {
        try {
            return directory.toRealPath();
        } catch (IOException e) {
            return directory.toAbsolutePath().normalize();
        }
    }

    @Override
    public void close() {
        try {
            if (threads.getHoldCount() == 1) {
                FileLock lock = FILE_LOCKS.remove(directory);
                if (lock != null) {
                    try {
                        lock.release();
                        lock.channel().close();
                    } catch (IOException ignored) {
                        // Closing the channel releases the lock; the process exiting does too.
                    }
                }
            }
        } finally {
            threads.unlock();
        }
    }
}
