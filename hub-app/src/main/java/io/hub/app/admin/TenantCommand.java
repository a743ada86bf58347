package io.hub.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tenant", mixinStandardHelpOptions = true,
        description = {"Tenants of the hub, each with its own phones, SIP domain and admin token (operator only: "
                + "the token in HOME/admin-token)."},
        subcommands = {TenantCommand.Add.class, TenantCommand.List.class, TenantCommand.RotateToken.class,
                TenantCommand.RevokeToken.class},
        commandListHeading = "%nCommands:%n")
public final class TenantCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Create a tenant and print its admin token on the last line (shown only this once).",
                    "Without --sip-domain its domain is NAME.<the hub's domain> (NAME.hub.invalid when the hub's "
                            + "domain is an address)."})
    static final class Add implements Callable<Integer> {
        @Mixin
        AdminOptions admin;
        @Parameters(paramLabel = "NAME", description = "Lower-case letters, digits and inner dashes, at most 32.")
        String name;
        @Option(names = "--sip-domain", paramLabel = "DOMAIN", description = "The tenant's SIP domain.")
        String sipDomain;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (sipDomain != null) {
                body.put("sipDomain", sipDomain);
            }
            JsonNode tenant = admin.client().json("POST", "admin/v1/tenants", body);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("created tenant %s with SIP domain %s; its admin token:%n", tenant.path("name").asText(),
                    tenant.path("sipDomain").asText());
            out.println(tenant.path("token").asText());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tenants (never their tokens).")
    static final class List implements Callable<Integer> {
        @Mixin
        AdminOptions admin;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-32s  %-40s  %s%n", "NAME", "SIP DOMAIN", "TOKEN");
            for (JsonNode tenant : admin.client().json("GET", "admin/v1/tenants", null).path("tenants")) {
                out.printf("%-32s  %-40s  %s%n", tenant.path("name").asText(), tenant.path("sipDomain").asText(),
                        tenant.path("operator").asBoolean() ? "operator (admin-token)"
                                : tenant.path("tokenState").asText());
            }
            return 0;
        }
    }

    @Command(name = "rotate-token", mixinStandardHelpOptions = true,
            description = "Give a tenant a new admin token, printed on the last line; the old one stops working.")
    static final class RotateToken implements Callable<Integer> {
        @Mixin
        AdminOptions admin;
        @Parameters(paramLabel = "NAME")
        String name;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode rotated = admin.client().json("POST", "admin/v1/tenants/" + encode(name) + "/token", null);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("new admin token of %s:%n", name);
            out.println(rotated.path("token").asText());
            return 0;
        }
    }

    @Command(name = "revoke-token", mixinStandardHelpOptions = true,
            description = "Revoke a tenant's admin token: none works until 'rotate-token'.")
    static final class RevokeToken implements Callable<Integer> {
        @Mixin
        AdminOptions admin;
        @Parameters(paramLabel = "NAME")
        String name;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            admin.client().json("DELETE", "admin/v1/tenants/" + encode(name) + "/token", null);
            spec.commandLine().getOut().printf("revoked the admin token of %s%n", name);
            return 0;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
