package io.hub.provisioning.admin;

import org.eclipse.jetty.server.Request;

/**
 * Who makes an admin request, once its token is checked: the token's tenant, the actor the audit
 * log names ({@code admin:<tenant>}) and the source address.
 */
record AdminCall(String tenant, String actor, String sourceIp) {

    private static final String ATTRIBUTE = AdminCall.class.getName();

    AdminCall(String tenant, String sourceIp) {
        this(tenant, "admin:" + tenant, sourceIp);
    }

    void attachTo(Request request) {
        request.setAttribute(ATTRIBUTE, this);
    }

    /** The call {@link AdminApi} authenticated for {@code request}. */
    static AdminCall of(Request request) {
        if (!(request.getAttribute(ATTRIBUTE) instanceof AdminCall call)) {
            throw new IllegalStateException("the admin request was not authenticated");
        }
        return call;
    }

    /** True for the default tenant, whose token is the operator's ({@code var/admin-token}). */
    boolean isOperator() {
        return AdminApi.isOperator(tenant);
    }
}
