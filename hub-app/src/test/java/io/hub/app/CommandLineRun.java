package io.hub.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;

/** One in-process run of the {@code hub} command tree, with what it printed. */
record CommandLineRun(int exitCode, String out, String err) {

    static CommandLineRun hub(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = HubMain.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CommandLineRun(exitCode, out.toString(), err.toString());
    }

    /** An admin command against {@code running}, the hub on {@code home}: {@code args} then {@code --home} and {@code --admin-url}. */
    static CommandLineRun admin(Hub running, String home, String... args) {
        String[] all = Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--home";
        all[args.length + 1] = home;
        all[args.length + 2] = "--admin-url";
        all[args.length + 3] = "https://127.0.0.1:" + running.provisioning().adminPort() + "/";
        return hub(all);
    }

    /** The one line of stderr, failing if there is not exactly one. */
    String errorLine() {
        String[] lines = err.strip().split("\n");
        if (lines.length != 1 || lines[0].isBlank()) {
            throw new AssertionError("expected one line on stderr, got:\n" + err);
        }
        return lines[0];
    }
}
