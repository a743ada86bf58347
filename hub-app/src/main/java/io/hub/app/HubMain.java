package io.hub.app;

import io.hub.pki.MacAddress;
import io.hub.pki.MacPlacement;
import io.hub.pki.MacRule;
import io.hub.pki.PkiException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Entry point of {@code hub}. Every refusal of bad input is one line on stderr and exit status 2;
 * anything else unexpected is a bug and keeps its stack trace (exit status 1).
 */
public final class HubMain {

    /** Exit status for bad input: an unreadable file, a malformed value, a refused operation. */
    public static final int BAD_INPUT = 2;

    private HubMain() {
    }

    public static void main(String[] args) {
        // Before anything touches TLS: the JDK reads this switch once.
        io.hub.pki.ServerTls.preferCachedSessions();
        quietLogsUnlessServing(args);
        System.exit(commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args));
    }

    /** The whole command tree, writing to {@code out} and {@code err}; tests run it in process. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new HubCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.registerConverter(MacAddress.class, text -> convert(() -> MacAddress.parse(text)));
        commandLine.registerConverter(MacRule.class, text -> convert(() -> MacRule.parse(text)));
        commandLine.registerConverter(MacPlacement.class, text -> convert(() -> MacPlacement.fromOption(text)));
        commandLine.setParameterExceptionHandler(HubMain::badArguments);
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            if (exception instanceof UserError || exception instanceof PkiException) {
                failed.getErr().println("hub: " + exception.getMessage());
                return BAD_INPUT;
            }
            throw exception;
        });
        return commandLine;
    }

    private static int badArguments(ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        failed.getErr().println("hub: " + e.getMessage().replaceAll("\\s+", " ").strip()
                + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
        return BAD_INPUT;
    }

    private static <T> T convert(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** One-shot commands print their own lines; the INFO log is for the serving hub and relay only. */
    private static void quietLogsUnlessServing(String[] args) {
        if (!List.of(args).contains("start") && !(args.length > 0 && args[0].equals("relay"))) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }
}
