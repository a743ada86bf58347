package io.hub.app.admin;

import io.hub.pki.MacAddress;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * An admin command: it reaches the hub's admin API with {@link AdminOptions}, makes its calls and
 * prints what they answered. An API refusal ends it through {@link AdminClient}'s error.
 */
abstract class AdminCommand implements Callable<Integer> {

    @Mixin
    AdminOptions admin;
    @Spec
    CommandSpec spec;

    /** Makes the command's calls through {@code client} and prints the outcome on {@code out}. */
    abstract void run(AdminClient client, PrintWriter out) throws Exception;

    @Override
    public final Integer call() throws Exception {
        run(admin.client(), spec.commandLine().getOut());
        return 0;
    }

    /** {@code value} as one segment of an API path. */
    static String pathSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A command on one phone, named by its MAC, that prints one line. */
    abstract static class ByMac extends AdminCommand {
        @Parameters(paramLabel = "MAC")
        MacAddress mac;

        /** Does the work through the API and returns the line to print. */
        abstract String act(AdminClient client, String mac);

        @Override
        final void run(AdminClient client, PrintWriter out) {
            out.println(act(client, mac.value()));
        }
    }

    /** A command on one tenant, named by its name, that prints what it answers. */
    abstract static class ByName extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        /** Does the work through the API and returns the text to print. */
        abstract String act(AdminClient client, String name);

        @Override
        final void run(AdminClient client, PrintWriter out) {
            out.println(act(client, name));
        }
    }
}
