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
final class HomeLock implements AutoCloseable {

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
    static HomeLock acquire(Path home) {
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
            String holder = holder(channel);
            close(channel);
            throw new UserError("the home " + home + " is in use by another hub" + (holder.isEmpty() ? ""
                    : " (pid " + holder + ")") + ": stop it first, or give this one another --home");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
        } catch (IOException e) {
            // The pid only makes a second start's message more useful; the lock is what counts.
        }
        return new HomeLock(channel, lock);
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

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip()
                    .replaceAll("[^0-9]", "");
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
