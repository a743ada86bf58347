package io.hub.provisioning.devices;

import java.util.List;

/**
 * What a bulk import did or, on a dry run or a refusal, would have done.
 *
 * @param applied false for a dry run and for a refused file: nothing was stored
 * @param lines the device lines read (the header not counted)
 * @param created devices created
 * @param updated devices updated
 * @param deleted devices deleted
 * @param errors every bad line, with its line number in the file (the header is line 1)
 */
public record ImportReport(boolean applied, int lines, int created, int updated, int deleted, List<LineError> errors) {

    public ImportReport {
        errors = List.copyOf(errors);
    }

    /** A bad line: its number in the file and what is wrong with it. */
    public record LineError(int line, String reason) {
    }
}
