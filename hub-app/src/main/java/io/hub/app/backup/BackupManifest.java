package io.hub.app.backup;

import io.hub.app.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code backup.manifest}, the last file a backup writes: the backup format, the hub version and
 * schema versions that wrote it, and every other file with its size and SHA-256. A backup without
 * it was cut short; a file that differs from its line makes the backup incomplete.
 *
 * @param format the backup layout's version; a hub refuses a format newer than {@link #FORMAT}
 * @param files path relative to the backup, with {@code size sha256}
 */
record BackupManifest(int format, String hubVersion, String createdAt, Map<String, String> schemas,
        Map<String, String> files) {

    static final String FILE = "backup.manifest";
    static final int FORMAT = 1;

    /** Lists every file under {@code backup} and writes the manifest last, by rename, so it is whole or absent. */
    static BackupManifest write(Path backup, String hubVersion, String createdAt, Map<String, String> schemas)
            throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (var walk = Files.walk(backup)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(name(backup, file), Files.size(file) + " " + sha256(file));
            }
        }
        Properties properties = new Properties();
        properties.setProperty("format", String.valueOf(FORMAT));
        properties.setProperty("hub.version", hubVersion);
        properties.setProperty("created", createdAt);
        schemas.forEach((module, version) -> properties.setProperty("schema." + module, version));
        files.forEach((file, line) -> properties.setProperty("file." + file, line));
        Path temporary = backup.resolve(FILE + ".part");
        try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            properties.store(out, "hub backup: every file with its size and SHA-256");
        }
        Files.move(temporary, backup.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        return new BackupManifest(FORMAT, hubVersion, createdAt, schemas, files);
    }

    /**
     * Reads the manifest of {@code backup} and checks every file it lists.
     *
     * @throws UserError naming what is wrong in one line: no manifest, a newer format, a file missing or changed
     */
    static BackupManifest verify(Path backup) {
        Path file = backup.resolve(FILE);
        if (!Files.isDirectory(backup)) {
            throw new UserError(backup + " is not a directory: give the directory 'hub backup' wrote");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError(backup + " is not a complete backup: it has no " + FILE
                    + " (a backup still being written or cut short); nothing was restored");
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage() + "; nothing was restored");
        }
        int format;
        try {
            format = Integer.parseInt(properties.getProperty("format", ""));
        } catch (NumberFormatException e) {
            throw new UserError(file + " has no backup format; nothing was restored");
        }
        String hubVersion = properties.getProperty("hub.version", "unknown");
        if (format > FORMAT) {
            throw new UserError(backup + " was written by a newer hub (" + hubVersion + ", backup format " + format
                    + "; this hub reads format " + FORMAT + "): restore it with that hub; nothing was restored");
        }
        Map<String, String> schemas = new TreeMap<>();
        Map<String, String> files = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("schema.")) {
                schemas.put(key.substring("schema.".length()), properties.getProperty(key));
            } else if (key.startsWith("file.")) {
                files.put(key.substring("file.".length()), properties.getProperty(key));
            }
        }
        if (!files.containsKey(HubBackup.DATABASE)) {
            throw new UserError(backup + " is incomplete: its manifest lists no " + HubBackup.DATABASE
                    + "; nothing was restored");
        }
        files.forEach((name, line) -> {
            Path listed = backup.resolve(name).normalize();
            if (!listed.startsWith(backup.normalize())) {
                throw new UserError(file + " lists " + name + ", outside the backup; nothing was restored");
            }
            try {
                if (!Files.isRegularFile(listed)) {
                    throw new UserError(backup + " is incomplete: " + name + " is missing; nothing was restored");
                }
                if (!line.equals(Files.size(listed) + " " + sha256(listed))) {
                    throw new UserError(backup + " is incomplete: " + name + " is not the file the backup wrote "
                            + "(size or SHA-256 differs); nothing was restored");
                }
            } catch (IOException e) {
                throw new UserError("cannot read " + listed + ": " + e.getMessage() + "; nothing was restored");
            }
        });
        return new BackupManifest(format, hubVersion, properties.getProperty("created", ""), schemas, files);
    }

    static String name(Path backup, Path file) {
        return backup.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
