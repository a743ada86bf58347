package io.hub.app.node;

import io.hub.app.HomeOption;
import io.hub.app.HubHome;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hub node …}: the nodes of a cluster sharing one PostgreSQL database. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Nodes of a cluster sharing one PostgreSQL database (GET /admin/v1/nodes lists them).",
        subcommands = NodeCommand.Init.class)
public final class NodeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Make the home of a new node from a node of the cluster: copies pki/ (not the server "
                    + "certificate: the new node issues its own), secrets/, admin-token and hub.yaml from --from.",
                    "A node whose PKI or secrets are not the cluster's refuses to start."})
    public static final class Init implements Callable<Integer> {
        @Mixin
        HomeOption home;
        @Option(names = "--from", paramLabel = "DIR", required = true,
                description = "The home of a node of the cluster (copied from, never changed).")
        Path from;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            HubHome target = home.home();
            NodeInit.Copied copied = NodeInit.copy(new HubHome(from), target);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("node home %s made from %s: %d files copied%s%n", target.root(), new HubHome(from).root(),
                    copied.files().size(), copied.alreadyThere().isEmpty() ? ""
                            : ", " + copied.alreadyThere().size() + " already the same");
            copied.files().forEach(file -> out.println("  " + file));
            if (copied.settingsNodeName() != null) {
                out.println("hub.yaml names nodeName " + copied.settingsNodeName() + ": give this node its own "
                        + "(hub start --node NAME overrides it)");
            }
            out.println("next: hub start --home " + target.root() + " --node NAME (the same databaseUrl as the "
                    + "cluster's; NAME a DNS name of this host)");
            return 0;
        }
    }
}
