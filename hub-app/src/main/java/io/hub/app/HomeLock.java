package io.hub.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One hub per home: a lock on {@code HOME/hub.lock} held while the hub runs, with its process id in
 * the file for the message a second start prints. The operating system releases the lock when the
 * process ends, kill -9 included, so a crash never leaves a home locked. The file itself stays: a
 * file deleted while another process opens it would let two hubs lock two different files.
 */
public final class HomeLock implements AutoCloseable {

    static final String FILE = "hub.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private HomeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks the home for this process.
     *
     * @throws UserError when another hub (another process, or one started earlier in this one) holds it
     */
    public static HomeLock acquire(Path home) {
        return tryAcquire(home).orElseThrow(() -> new UserError("the home " + home + " is in use by another hub"
                + holder(home.resolve(FILE)) + ": stop it first, or give this one another --home"));
    }

    /**
     * Locks the home for this process unless a hub holds it.
     *
     * @return empty when another hub (another process, or one started earlier in this one) holds it
     * @throws UserError when the lock file cannot be opened or locked
     */
    public static java.util.Optional<HomeLock> tryAcquire(Path home) {
        Path file = home.resolve(FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UserError("cannot open " + file + ": " + e.getMessage());
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            close(channel);
            throw new UserError("cannot lock " + file + ": " + e.getMessage());
        }
        if (lock == null) {
            close(channel);
            return java.util.Optional.empty();
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
        } catch (IOException e) {
            // The pid only makes a second start's message more useful; the lock is what counts.
        }
        return java.util.Optional.of(new HomeLock(channel, lock));
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel releases it too.
        }
        close(channel);
    }

    /** " (pid N)" of the hub holding the lock, as it wrote it, or nothing. */
    private static String holder(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip()
                    .replaceAll("[^0-9]", "");
            return pid.isEmpty() ? "" : " (pid " + pid + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }
}
