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
 * @param errors the first {@value #MAX_REPORTED_ERRORS} bad lines, with their line numbers in the file
 *     (the header is line 1)
 * @param errorCount every bad line
 */
public record ImportReport(boolean applied, int lines, int created, int updated, int deleted, List<LineError> errors,
        int errorCount) {

    /** Bad lines reported one by one; the rest are only counted. */
    public static final int MAX_REPORTED_ERRORS = 1_000;

    public ImportReport {
        errors = List.copyOf(errors);
    }

    /** A bad line: its number in the file and what is wrong with it. */
    public record LineError(int line, String reason) {
    }
}
