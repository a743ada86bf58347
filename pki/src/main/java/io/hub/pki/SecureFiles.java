package io.hub.pki;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files so that a crash never leaves half of one behind: the bytes go to a temporary file in
 * the same directory, are forced to disk, and the temporary file is renamed over the target. Secret
 * files are created 0600 from the start, so a key is never readable by others, not even briefly.
 */
public final class SecureFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private SecureFiles() {
    }

    public static void writeAtomically(Path target, byte[] content, boolean secret) {
        Path directory = target.toAbsolutePath().getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = POSIX
                    ? Files.createTempFile(directory, ".tmp-", ".part", permissions(secret))
                    : Files.createTempFile(directory, ".tmp-", ".part");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (POSIX) {
                // createTempFile's attribute is filtered by the umask; set the mode exactly.
                Files.setPosixFilePermissions(temporary, secret ? OWNER_ONLY : WORLD_READABLE);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temporary = null;
            LocalWrites.happened();
            syncDirectory(directory);
        } catch (IOException e) {
            throw new PkiException("cannot write " + target + ": " + PemFiles.oneLine(e));
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // The write already failed and says so; a stray temporary file is harmless.
                }
            }
        }
    }

    /**
     * Makes a rename, creation or deletion in {@code directory} durable, so a crash right after it
     * cannot bring the old entry back. A file system that cannot sync a directory is used as it is:
     * the files themselves were forced to disk, and refusing to run there would be worse.
     */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some file systems cannot sync a directory; the file itself was forced to disk.
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> permissions(boolean secret) {
        return PosixFilePermissions.asFileAttribute(secret ? OWNER_ONLY : WORLD_READABLE);
    }
}
