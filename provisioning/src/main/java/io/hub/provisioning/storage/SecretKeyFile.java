package io.hub.provisioning.storage;

import io.hub.pki.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The key that seals secrets at rest ({@link SealedSecrets}), in a file of its own beside the
 * database, never inside it: 32 random bytes, base64 on one line, mode 0600 in a 0700 directory.
 *
 * <p>The file is created once and never overwritten: it is written to a temporary file, forced to
 * disk, then linked to its name, which fails rather than replace a key another process created at
 * the same moment. Losing it loses every sealed password (phones then need new ones), so it belongs
 * in the same backup as the database, and a backup of the database alone reveals nothing.
 */
public final class SecretKeyFile {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private SecretKeyFile() {
    }

    /**
     * The key in {@code file}, created now if there is none.
     *
     * @throws IllegalStateException when the file cannot be read or written, or holds no key of the
     *     right length
     */
    public static byte[] loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            return read(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the secrets key " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the secrets key " + file + " is not base64; restore it from the backup "
                    + "of this home");
        }
        if (key.length != SealedSecrets.KEY_BYTES) {
            throw new IllegalStateException("the secrets key " + file + " holds " + key.length + " bytes, not "
                    + SealedSecrets.KEY_BYTES + "; restore it from the backup of this home");
        }
        return key;
    }

    private static void create(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        PrivateFiles.directory(directory);
        byte[] key = new byte[SealedSecrets.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        byte[] content = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        Path temporary = POSIX
                ? Files.createTempFile(directory, ".key-", ".part",
                        PosixFilePermissions.asFileAttribute(PrivateFiles.OWNER_ONLY))
                : Files.createTempFile(directory, ".key-", ".part");
        try {
            PrivateFiles.file(temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException e) {
                // Another start created it first: that one is the key, this one is discarded.
            } catch (UnsupportedOperationException e) {
                Files.move(temporary, file);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        SecureFiles.syncDirectory(directory);
    }
}
