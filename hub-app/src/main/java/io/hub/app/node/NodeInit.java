package io.hub.app.node;

import io.hub.app.HubHome;
import io.hub.app.HubSettings;
import io.hub.app.UserError;
import io.hub.pki.HubPki;
import io.hub.pki.SecureFiles;
import io.hub.provisioning.Provisioning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A new node's home made from a node of the cluster: the same hub CA and PKI files ({@code pki/}),
 * the same key that seals SIP passwords ({@code secrets/}), the same {@code admin-token} and settings
 * ({@code hub.yaml}). The server certificate and its key are not copied: the new node issues its own
 * from the CA at its first start, covering its own names. Nothing in the new home is overwritten: a
 * file already there with other contents stops the copy before anything is written.
 */
public final class NodeInit {

    /** Files of {@code pki/} that belong to one node, or to one process. */
    private static final Set<String> NOT_COPIED = Set.of(HubPki.SERVER_CERTIFICATE, HubPki.SERVER_KEY, ".lock");

    private NodeInit() {
    }

    /** What was copied, by path relative to the home, and what the settings file asks of the new node. */
    public record Copied(List<String> files, List<String> alreadyThere, String settingsNodeName) {
    }

    /**
     * Copies a node's shared files from {@code from} into {@code to}.
     *
     * @throws UserError when {@code from} is no started hub's home, or {@code to} holds other PKI,
     *     secrets, token or settings, or a file cannot be read or written
     */
    public static Copied copy(HubHome from, HubHome to) {
        if (from.root().equals(to.root())) {
            throw new UserError("the new node's home " + to.root() + " is the home it would copy from");
        }
        for (Path needed : List.of(from.pkiDirectory().resolve(HubPki.HUB_CA_CERTIFICATE),
                from.pkiDirectory().resolve(HubPki.HUB_CA_KEY),
                from.secretsDirectory().resolve(HubHome.SIP_PASSWORDS_KEY), from.adminTokenFile())) {
            if (!Files.isRegularFile(needed)) {
                throw new UserError(from.root() + " is not the home of a started node: " + needed + " is missing");
            }
        }
        List<Path[]> pairs = new ArrayList<>();
        pairs.addAll(tree(from.pkiDirectory(), to.pkiDirectory()));
        pairs.addAll(tree(from.secretsDirectory(), to.secretsDirectory()));
        pairs.add(new Path[] {from.adminTokenFile(), to.adminTokenFile()});
        if (Files.isRegularFile(from.settingsFile())) {
            pairs.add(new Path[] {from.settingsFile(), to.settingsFile()});
        }
        List<String> copied = new ArrayList<>();
        List<String> already = new ArrayList<>();
        // Checked first, all of them: a home half copied and half its own would be worse than either.
        for (Path[] pair : pairs) {
            if (Files.exists(pair[1])) {
                if (!sameContents(pair[0], pair[1])) {
                    throw new UserError(pair[1] + " exists and differs from " + pair[0] + ": " + to.root()
                            + " already is another hub's home (a new node needs a new, empty home)");
                }
                already.add(relative(to, pair[1]));
            }
        }
        to.create();
        for (Path[] pair : pairs) {
            if (Files.exists(pair[1])) {
                continue;
            }
            try {
                Files.createDirectories(pair[1].getParent());
                SecureFiles.writeAtomically(pair[1], Files.readAllBytes(pair[0]), secret(pair[0]));
            } catch (IOException e) {
                throw new UserError("cannot copy " + pair[0] + " to " + pair[1] + ": " + e.getMessage());
            }
            copied.add(relative(to, pair[1]));
        }
        try {
            Provisioning.privateDirectory(to.secretsDirectory());
        } catch (IOException e) {
            throw new UserError("cannot restrict " + to.secretsDirectory() + ": " + e.getMessage());
        }
        String nodeName = Files.isRegularFile(to.settingsFile())
                ? HubSettings.load(to.settingsFile(), true).nodeName : null;
        return new Copied(copied, already, nodeName);
    }

    /** Every regular file under {@code from} with its place under {@code to}, except a node's own. */
    private static List<Path[]> tree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !NOT_COPIED.contains(file.getFileName().toString()))
                    .filter(file -> !file.getFileName().toString().endsWith(".tmp"))
                    .sorted()
                    .map(file -> new Path[] {file, to.resolve(from.relativize(file).toString())})
                    .toList();
        } catch (IOException e) {
            throw new UserError("cannot read " + from + ": " + e.getMessage());
        }
    }

    /** A file the others of the system may not read stays so: keys, the token, the secrets. */
    private static boolean secret(Path file) throws IOException {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            return !mode.contains(PosixFilePermission.OTHERS_READ);
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    private static boolean sameContents(Path a, Path b) {
        try {
            return Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
        } catch (IOException e) {
            throw new UserError("cannot compare " + a + " with " + b + ": " + e.getMessage());
        }
    }

    private static String relative(HubHome home, Path file) {
        return home.root().relativize(file).toString();
    }
}
