package io.hub.sip.call;

import java.util.List;

/** Where ended calls are kept. */
public interface CallRecords {

    void save(CallRecord record);

    /** The most recent ended calls, newest first. */
    List<CallRecord> recent(int limit);
}
