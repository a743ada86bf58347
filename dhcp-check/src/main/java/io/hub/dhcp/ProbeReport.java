package io.hub.dhcp;

import java.util.List;

/**
 * What a probe saw: one line per server reply, the findings of all of them, and notes on what was
 * skipped or could not be sent.
 */
public record ProbeReport(List<Answer> answers, List<Finding> findings, List<String> notes) {

    public ProbeReport {
        answers = List.copyOf(answers);
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
    }

    /** One reply: its type, the server that sent it, and the address it offered. */
    public record Answer(String type, String server, String offered) {
    }
}
