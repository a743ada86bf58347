package io.hub.provisioning.http;

import org.eclipse.jetty.server.Request;

/**
 * What is known about a request so far, filled in as its handlers learn it (the action, who asks,
 * the MAC, the certificate): a refusal thrown at any point is audited and counted with these facts
 * by {@link RefusalReplies}, so the code that refuses names only the cause.
 */
public final class RequestFacts {

    private static final String ATTRIBUTE = RequestFacts.class.getName();

    private final String sourceIp;
    private final boolean auditAll;
    private String actor;
    private String action = "request";
    private boolean audited;
    private String mac;
    private String fingerprint;
    private String subject;

    private RequestFacts(String sourceIp, String actor, boolean auditAll) {
        this.sourceIp = sourceIp;
        this.actor = actor;
        this.auditAll = auditAll;
        this.audited = auditAll;
    }

    /**
     * Starts the facts of a request.
     *
     * @param auditAll whether every action's refusals are audited (the device side) or only those
     *     named with {@link #audited} (the admin side, where most refusals are typing errors)
     */
    static RequestFacts attach(Request request, String actor, boolean auditAll) {
        RequestFacts facts = new RequestFacts(Responses.sourceIp(request), actor, auditAll);
        request.setAttribute(ATTRIBUTE, facts);
        return facts;
    }

    /** The facts of a request that passed through a {@link RefusingHandler}. */
    public static RequestFacts of(Request request) {
        if (request.getAttribute(ATTRIBUTE) instanceof RequestFacts facts) {
            return facts;
        }
        throw new IllegalStateException("the request did not pass through a RefusingHandler");
    }

    /** Names the action; its refusals are audited as the API audits by default. */
    public RequestFacts action(String name) {
        this.action = name;
        this.audited = auditAll;
        return this;
    }

    /** Names the action, whose refusals are audited. */
    public RequestFacts audited(String name) {
        this.action = name;
        this.audited = true;
        return this;
    }

    public RequestFacts actor(String name) {
        this.actor = name;
        return this;
    }

    /** The MAC the request is about, as a normalised value. */
    public RequestFacts mac(String value) {
        this.mac = value;
        return this;
    }

    /** The SHA-256 fingerprint of the client's certificate, once known. */
    public RequestFacts fingerprint(String value) {
        this.fingerprint = value == null || value.isEmpty() ? null : value;
        return this;
    }

    /** What the action is about (a firmware's model and version), written before the audit detail. */
    public RequestFacts subject(String value) {
        this.subject = value;
        return this;
    }

    public String sourceIp() {
        return sourceIp;
    }

    public String actor() {
        return actor;
    }

    public String action() {
        return action;
    }

    boolean isAudited() {
        return audited;
    }

    public String mac() {
        return mac;
    }

    public String fingerprint() {
        return fingerprint;
    }

    String subject() {
        return subject;
    }
}
