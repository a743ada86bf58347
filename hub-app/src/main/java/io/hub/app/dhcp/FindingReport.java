package io.hub.app.dhcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hub.dhcp.Finding;
import io.hub.dhcp.FindingKind;
import io.hub.dhcp.ProbeReport;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Findings for a person (a table, worst first, each with why and fix under it) or for a script
 * (JSON with every field).
 */
final class FindingReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int VALUE_WIDTH = 44;
    private static final int SCOPE_WIDTH = 40;

    private final String source;
    private final String discoveryUrl;
    private final List<Finding> findings;

    FindingReport(String source, String discoveryUrl, List<Finding> findings) {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Finding.ORDER);
        this.source = source;
        this.discoveryUrl = discoveryUrl;
        this.findings = sorted;
    }

    /** The servers that answered a probe and what the probe noted. */
    void answers(PrintWriter out, List<ProbeReport.Answer> answers, List<String> notes) {
        for (ProbeReport.Answer answer : answers) {
            out.println(answer.type() + " from " + answer.server()
                    + (answer.offered().equals("0.0.0.0") ? "" : " offering " + answer.offered()));
        }
        notes.forEach(note -> out.println("note: " + note));
        if (!answers.isEmpty() || !notes.isEmpty()) {
            out.println();
        }
    }

    void table(PrintWriter out, boolean colour) {
        out.println(source + ", compared with " + discoveryUrl);
        if (findings.isEmpty()) {
            out.println("nothing found: no option reaching ALE phones breaks zero-touch");
            out.flush();
            return;
        }
        out.printf("%-10s %-4s %-" + VALUE_WIDTH + "s %-" + SCOPE_WIDTH + "s %-4s %s%n", "SEVERITY", "OPT", "VALUE",
                "SCOPE", "ALE", "WHERE");
        for (Finding finding : findings) {
            String severity = String.format("%-10s", name(finding.severity()));
            out.printf("%s %-4s %-" + VALUE_WIDTH + "s %-" + SCOPE_WIDTH + "s %-4s %s%n",
                    colour ? paint(finding.severity(), severity) : severity,
                    finding.option() == 0 ? "-" : Integer.toString(finding.option()),
                    cut(finding.decoded(), VALUE_WIDTH), cut(finding.scope().name(), SCOPE_WIDTH),
                    finding.reachesAlePhone() ? "yes" : "no", finding.where());
            out.println("           why: " + finding.why());
            out.println("           fix: " + finding.fix());
        }
        out.println(summary());
        out.flush();
    }

    void json(PrintWriter out, List<ProbeReport.Answer> answers, List<String> notes) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", source);
        json.put("discoveryUrl", discoveryUrl);
        json.put("conflict", Finding.anyConflict(findings));
        if (!answers.isEmpty() || !notes.isEmpty() || source.startsWith("probe")) {
            json.put("answers", answers);
            json.put("notes", notes);
        }
        json.put("findings", findings.stream().map(FindingReport::json).toList());
        try {
            out.println(JSON.writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    private static Map<String, Object> json(Finding finding) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("severity", name(finding.severity()));
        json.put("kind", finding.kind().code());
        json.put("option", finding.option());
        json.put("raw", finding.raw());
        json.put("decoded", finding.decoded());
        json.put("location", finding.location());
        json.put("scope", finding.scope().level().code());
        json.put("scopeName", finding.scope().name());
        json.put("reachesAlePhone", finding.reachesAlePhone());
        json.put("reachReason", finding.scope().reason());
        json.put("why", finding.why());
        json.put("fix", finding.fix());
        json.put("where", finding.where());
        return json;
    }

    /** {@code 2 conflicts, 1 warning, 0 acceptable, 3 info}. */
    private String summary() {
        Map<FindingKind.Severity, Integer> counts = new EnumMap<>(FindingKind.Severity.class);
        findings.forEach(finding -> counts.merge(finding.severity(), 1, Integer::sum));
        int conflicts = counts.getOrDefault(FindingKind.Severity.CONFLICT, 0);
        int warnings = counts.getOrDefault(FindingKind.Severity.WARNING, 0);
        return conflicts + (conflicts == 1 ? " conflict, " : " conflicts, ") + warnings
                + (warnings == 1 ? " warning, " : " warnings, ")
                + counts.getOrDefault(FindingKind.Severity.ACCEPTABLE, 0) + " acceptable, "
                + counts.getOrDefault(FindingKind.Severity.INFO, 0) + " info";
    }

    private static String name(FindingKind.Severity severity) {
        return severity.name().toLowerCase(Locale.ROOT);
    }

    private static String paint(FindingKind.Severity severity, String text) {
        String code = switch (severity) {
            case CONFLICT -> "1;31";
            case WARNING -> "33";
            case ACCEPTABLE -> "36";
            case INFO -> "2";
        };
        return "\u001b[" + code + "m" + text + "\u001b[0m";
    }

    private static String cut(String text, int width) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= width ? oneLine : oneLine.substring(0, width - 3) + "...";
    }
}
