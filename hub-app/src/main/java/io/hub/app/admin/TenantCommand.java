package io.hub.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
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
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "NAME", description = "Lower-case letters, digits and inner dashes, at most 32.")
        String name;
        @Option(names = "--sip-domain", paramLabel = "DOMAIN", description = "The tenant's SIP domain.")
        String sipDomain;

        @Override
        void run(AdminClient client, PrintWriter out) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (sipDomain != null) {
                body.put("sipDomain", sipDomain);
            }
            JsonNode tenant = client.json("POST", "admin/v1/tenants", body);
            out.printf("created tenant %s with SIP domain %s; its admin token:%n", tenant.path("name").asText(),
                    tenant.path("sipDomain").asText());
            out.println(tenant.path("token").asText());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tenants (never their tokens).")
    static final class List extends AdminCommand {
        @Override
        void run(AdminClient client, PrintWriter out) {
            out.printf("%-32s  %-40s  %-22s  %s%n", "NAME", "SIP DOMAIN", "TOKEN", "SIP CLIENT CERTIFICATE");
            for (JsonNode tenant : client.json("GET", "admin/v1/tenants", null).path("tenants")) {
                JsonNode certificate = tenant.path("sipClientCertificate");
                out.printf("%-32s  %-40s  %-22s  %s%n", tenant.path("name").asText(),
                        tenant.path("sipDomain").asText(), tenant.path("operator").asBoolean()
                                ? "operator (admin-token)" : tenant.path("tokenState").asText(),
                        certificate.isTextual() ? certificate.asText() : "default (hub.yaml)");
            }
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change a tenant's settings: --sip-client-certificate required|wanted, or default to "
                    + "follow the hub's sipClientCertificate again.")
    static final class Set extends AdminCommand.ByName {
        private static final java.util.List<String> POLICIES = java.util.List.of("required", "wanted", "default");

        @Option(names = "--sip-client-certificate", paramLabel = "required|wanted|default", required = true,
                description = "Whether the tenant's phones need their own valid certificate on SIP over TLS.")
        String sipClientCertificate;

        @Override
        String act(AdminClient client, String name) {
            if (!POLICIES.contains(sipClientCertificate)) {
                throw new io.hub.app.UserError("--sip-client-certificate '" + sipClientCertificate
                        + "' is not required, wanted or default");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("sipClientCertificate", "default".equals(sipClientCertificate) ? null : sipClientCertificate);
            JsonNode now = client.json("PATCH", "admin/v1/tenants/" + pathSegment(name), body)
                    .path("sipClientCertificate");
            return "tenant " + name + ": sipClientCertificate "
                    + (now.isTextual() ? now.asText() : "default (the hub's setting)");
        }
    }

    @Command(name = "rotate-token", mixinStandardHelpOptions = true,
            description = "Give a tenant a new admin token, printed on the last line; the old one stops working.")
    static final class RotateToken extends AdminCommand.ByName {
        @Override
        String act(AdminClient client, String name) {
            JsonNode rotated = client.json("POST", "admin/v1/tenants/" + pathSegment(name) + "/token", null);
            return String.format("new admin token of %s:%n%s", name, rotated.path("token").asText());
        }
    }

    @Command(name = "revoke-token", mixinStandardHelpOptions = true,
            description = "Revoke a tenant's admin token: none works until 'rotate-token'.")
    static final class RevokeToken extends AdminCommand.ByName {
        @Override
        String act(AdminClient client, String name) {
            client.json("DELETE", "admin/v1/tenants/" + pathSegment(name) + "/token", null);
            return "revoked the admin token of " + name;
        }
    }
}
