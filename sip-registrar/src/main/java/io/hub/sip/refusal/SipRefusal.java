package io.hub.sip.refusal;

/**
 * A cause the hub refuses a SIP request for, as each protocol's enum of causes names them
 * ({@code RegisterFailure} for REGISTER, {@code CallRefusal} for calls). The cause carries what it is
 * answered with; {@link RefusalAnswer} writes that answer and {@link RefusalTally} counts and reports it,
 * the same way for every protocol.
 */
public interface SipRefusal {

    /**
     * What a cause is answered with.
     *
     * @param code the cause in a word: the Warning's text, the metric's label and the audit entry's reason
     */
    record Answer(int status, String reasonPhrase, String code) {
    }

    Answer answer();

    default int status() {
        return answer().status();
    }

    default String reasonPhrase() {
        return answer().reasonPhrase();
    }

    default String code() {
        return answer().code();
    }
}
