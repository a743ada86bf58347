package io.hub.pki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The manufacturer CAs the hub trusts, kept as {@code trusted/NAME.pem} plus an index,
 * {@code trusted-manufacturers.json}, holding each CA's MAC rule and whether it is generic.
 *
 * <p>Reads are cheap and always current: the index is reloaded when the file changes, so a CA
 * trusted or untrusted from the command line is honoured by a running hub without a restart.
 *
 * <p>The index also remembers the CAs an operator untrusted, by fingerprint, so that nothing but
 * another explicit trust brings one back ({@link HubPki#init} would otherwise re-trust the
 * development manufacturer CA at every start).
 */
public final class TrustedManufacturers {

    static final String INDEX = "trusted-manufacturers.json";
    static final String DIRECTORY = "trusted";
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private final Path pkiDirectory;
    private Object loadedVersion;
    private List<TrustedManufacturer> loaded = List.of();

    TrustedManufacturers(Path pkiDirectory) {
        this.pkiDirectory = pkiDirectory;
    }

    /** The trusted CAs as they are on disk now. */
    public synchronized List<TrustedManufacturer> list() {
        Path index = pkiDirectory.resolve(INDEX);
        Object version = JsonFiles.version(index);
        if (version == null) {
            loaded = List.of();
        } else if (!version.equals(loadedVersion)) {
            List<TrustedManufacturer> fresh = new ArrayList<>();
            for (Entry entry : JsonFiles.read(index, Index.class, new Index(List.of(), List.of())).manufacturers()) {
                X509Certificate certificate = PemFiles.readCertificate(pkiDirectory.resolve(entry.certificateFile()));
                fresh.add(new TrustedManufacturer(entry.name(), certificate, MacRule.parse(entry.macRule()),
                        entry.generic()));
            }
            loaded = List.copyOf(fresh);
        }
        loadedVersion = version;
        return loaded;
    }

    /** The index entries, with fingerprints and dates, for listing. */
    public List<Entry> entries() {
        return index().manufacturers();
    }

    /**
     * The trusted and the untrusted CAs as one value, equal for equal contents: what the validator
     * compares on every device request, from one look at the file instead of one per list.
     */
    public Object state() {
        return index();
    }

    /** The CAs removed by {@link #untrust}, oldest first. */
    public List<Untrusted> untrusted() {
        return index().untrusted();
    }

    /**
     * The index as last read, with the file version it was read at: the validator asks for it on
     * every device request, and parsing the file each time was a fifth of a configuration fetch.
     */
    private record Loaded(Object version, Index index) {
    }

    private volatile Loaded lastIndex;

    /** The index, read again whenever its file's version (inode, time, size) changed, also by another process. */
    private Index index() {
        Path file = pkiDirectory.resolve(INDEX);
        Object version = JsonFiles.version(file);
        Loaded last = lastIndex;
        if (last != null && version != null && version.equals(last.version())) {
            return last.index();
        }
        // The version is read before the content: a change between the two is read again next time.
        Index index = JsonFiles.read(file, Index.class, new Index(List.of(), List.of()));
        if (version != null) {
            lastIndex = new Loaded(version, index);
        }
        return index;
    }

    /**
     * Stops trusting the CA called {@code name}: its entry leaves the index, its fingerprint is
     * recorded as untrusted, and its certificate file is deleted.
     *
     * @return the entry that was removed
     * @throws PkiException when no trusted CA has that name
     */
    synchronized Entry untrust(String name, Instant now) {
        Index index = index();
        Entry entry = index.manufacturers().stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new PkiException("no trusted manufacturer CA is named '" + name + "'; trusted: "
                        + index.manufacturers().stream().map(Entry::name).toList()));
        List<Entry> remaining = new ArrayList<>(index.manufacturers());
        remaining.remove(entry);
        List<Untrusted> untrusted = new ArrayList<>(index.untrusted());
        untrusted.removeIf(u -> u.fingerprint().equals(entry.fingerprint()));
        untrusted.add(new Untrusted(entry.name(), entry.fingerprint(), now));
        JsonFiles.write(pkiDirectory.resolve(INDEX), new Index(remaining, untrusted));
        try {
            Files.deleteIfExists(pkiDirectory.resolve(entry.certificateFile()));
        } catch (java.io.IOException e) {
            // The index no longer names the file, so it is trusted no more; a stray copy is harmless.
        }
        return entry;
    }

    /**
     * Trusts the CA certificate(s) in {@code pemFile} under {@code rule}. Trusting a CA that is
     * already trusted with the same rule changes nothing; with another rule, the rule is updated.
     *
     * @param name the name to keep it under, or empty to derive one from the subject
     * @return the entries that now stand for the file's certificates
     * @throws PkiException when the file is not PEM, holds no certificate, or holds a non-CA certificate
     */
    synchronized List<Entry> trust(Path pemFile, Optional<String> name, MacRule rule, boolean generic,
            Instant now) {
        return trust(PemFiles.readCertificates(pemFile), pemFile.toString(), name, rule, generic, now);
    }

    /**
     * Trusts {@code certificates} as {@link #trust(Path, Optional, MacRule, boolean, Instant)} does;
     * {@code source} names where they came from in messages. A CA trusted again with another rule is
     * recorded as trusted at {@code now}; with the same rule and kind, nothing changes.
     */
    synchronized List<Entry> trust(List<X509Certificate> certificates, String source, Optional<String> name,
            MacRule rule, boolean generic, Instant now) {
        name.ifPresent(TrustedManufacturers::checkName);
        for (X509Certificate certificate : certificates) {
            if (certificate.getBasicConstraints() < 0) {
                throw new PkiException(source + ": " + certificate.getSubjectX500Principal().getName()
                        + " is not a CA certificate (no basicConstraints CA:TRUE)");
            }
        }
        Index index = index();
        List<Entry> entries = new ArrayList<>(index.manufacturers());
        List<Untrusted> untrusted = new ArrayList<>(index.untrusted());
        List<Entry> result = new ArrayList<>();
        for (int i = 0; i < certificates.size(); i++) {
            X509Certificate certificate = certificates.get(i);
            String fingerprint = Fingerprints.sha256(certificate);
            // An explicit trust undoes an earlier untrust of the same CA.
            untrusted.removeIf(u -> u.fingerprint().equals(fingerprint));
            Optional<Entry> existing = entries.stream().filter(e -> e.fingerprint().equals(fingerprint)).findFirst();
            if (existing.isPresent()) {
                boolean same = existing.get().macRule().equals(rule.toString()) && existing.get().generic() == generic;
                Entry updated = new Entry(existing.get().name(), existing.get().certificateFile(), fingerprint,
                        rule.toString(), generic, same ? existing.get().addedAt() : now);
                entries.set(entries.indexOf(existing.get()), updated);
                result.add(updated);
                continue;
            }
            int position = i + 1;
            String base = name.map(n -> certificates.size() == 1 ? n : n + "-" + position)
                    .orElseGet(() -> slug(certificate));
            String unique = uniqueName(base, entries);
            String file = DIRECTORY + "/" + unique + ".pem";
            PemFiles.writeCertificates(pkiDirectory.resolve(file), List.of(certificate));
            Entry added = new Entry(unique, file, fingerprint, rule.toString(), generic, now);
            entries.add(added);
            result.add(added);
        }
        Index updated = new Index(entries, untrusted);
        if (!updated.equals(index)) {
            JsonFiles.write(pkiDirectory.resolve(INDEX), updated);
        }
        return result;
    }

    boolean isEmpty() {
        return !Files.exists(pkiDirectory.resolve(INDEX)) || entries().isEmpty();
    }

    /** Names become file names under {@code trusted/}, so they may not hold a path. */
    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new PkiException("trusted CA name '" + name + "' must be 1 to 64 lower-case letters, digits or "
                    + "dashes, starting with a letter or digit");
        }
    }

    private static String uniqueName(String base, List<Entry> entries) {
        String candidate = base;
        for (int n = 2; taken(candidate, entries); n++) {
            candidate = base + "-" + n;
        }
        return candidate;
    }

    private static boolean taken(String name, List<Entry> entries) {
        return entries.stream().anyMatch(e -> e.name().equals(name));
    }

    private static String slug(X509Certificate certificate) {
        String commonName = SubjectNames.first(certificate, org.bouncycastle.asn1.x500.style.BCStyle.CN).orElse("");
        String slug = commonName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return slug.isEmpty() ? "manufacturer" : slug;
    }

    /** One trusted CA as the index records it. */
    public record Entry(String name, String certificateFile, String fingerprint, String macRule, boolean generic,
            Instant addedAt) {
        public Entry {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A CA that was trusted and no longer is. */
    public record Untrusted(String name, String fingerprint, Instant untrustedAt) {
    }

    record Index(List<Entry> manufacturers, List<Untrusted> untrusted) {
        Index {
            manufacturers = manufacturers == null ? List.of() : List.copyOf(manufacturers);
            untrusted = untrusted == null ? List.of() : List.copyOf(untrusted);
        }
    }
}
