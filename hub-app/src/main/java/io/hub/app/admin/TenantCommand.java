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
        subcommands = {TenantCommand.Add.class, TenantCommand.List.class, TenantCommand.Set.class,
                TenantCommand.RotateToken.class, TenantCommand.RevokeToken.class},
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
            out.printf("%-32s  %-40s  %-22s  %s%n", "NAME", "SIP DOMAIN", "TOKEN", "SIP CLIENT CERTIFICATE");
            for (JsonNode tenant : admin.client().json("GET", "admin/v1/tenants", null).path("tenants")) {
                JsonNode certificate = tenant.path("sipClientCertificate");
                out.printf("%-32s  %-40s  %-22s  %s%n", tenant.path("name").asText(),
                        tenant.path("sipDomain").asText(), tenant.path("operator").asBoolean()
                                ? "operator (admin-token)" : tenant.path("tokenState").asText(),
                        certificate.isTextual() ? certificate.asText() : "default (hub.yaml)");
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change a tenant's settings: --sip-client-certificate required|wanted, or default to "
                    + "follow the hub's sipClientCertificate again.")
    static final class Set implements Callable<Integer> {
        private static final java.util.List<String> POLICIES = java.util.List.of("required", "wanted", "default");

        @Mixin
        AdminOptions admin;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--sip-client-certificate", paramLabel = "required|wanted|default", required = true,
                description = "Whether the tenant's phones need their own valid certificate on SIP over TLS.")
        String sipClientCertificate;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!POLICIES.contains(sipClientCertificate)) {
                throw new io.hub.app.UserError("--sip-client-certificate '" + sipClientCertificate
                        + "' is not required, wanted or default");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("sipClientCertificate", "default".equals(sipClientCertificate) ? null : sipClientCertificate);
            JsonNode tenant = admin.client().json("PATCH", "admin/v1/tenants/" + encode(name), body);
            JsonNode now = tenant.path("sipClientCertificate");
            spec.commandLine().getOut().printf("tenant %s: sipClientCertificate %s%n", name,
                    now.isTextual() ? now.asText() : "default (the hub's setting)");
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
