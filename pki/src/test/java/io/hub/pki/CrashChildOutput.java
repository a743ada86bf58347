package io.hub.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * What a child JVM a crash test kills tells its parent, one line at a time on standard output: its
 * own steps ({@link #say}) and, while it writes, {@code stored N} after each change of a file's
 * modification time ({@link #watchWrites}), so the parent kills it between two writes of that file.
 */
public final class CrashChildOutput {

    private CrashChildOutput() {
    }

    /** Prints {@code line} and flushes it, so the parent reads it before the child is killed. */
    public static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Says {@code stored N} after each of the next 1,000 changes of {@code file}'s modification time, from a daemon thread. */
    public static void watchWrites(Path file) {
        Thread watcher = new Thread(() -> reportWrites(file), "file-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void reportWrites(Path file) {
        try {
            FileTime last = Files.getLastModifiedTime(file);
            for (int stored = 1; stored <= 1_000; ) {
                FileTime now = Files.getLastModifiedTime(file);
                if (!now.equals(last)) {
                    last = now;
                    say("stored " + stored++);
                }
                Thread.onSpinWait();
            }
        } catch (IOException e) {
            say("watcher failed: " + e.getMessage());
        }
    }
}
