package io.hub.provisioning.http;

import java.util.Map;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.URIUtil;

/** The decoded variables of the {@link UriTemplatePathSpec} a {@link PathMappingsHandler} chose for a request. */
public final class PathParameters {

    private PathParameters() {
    }

    /**
     * The request's whole path. A {@link PathMappingsHandler} gives the request it passes on a context
     * of the matched part, so the path in that context is no longer the path the template matched.
     */
    public static String path(Request request) {
        return Request.getPathInContext(Request.unWrap(request));
    }

    /**
     * The variable {@code name} of the request's path, percent-decoded.
     *
     * @throws IllegalStateException when the request was not routed by a URI template naming it
     */
    public static String of(Request request, String name) {
        if (!(request.getAttribute(PathMappingsHandler.PATHSPEC_ATTR) instanceof UriTemplatePathSpec spec)) {
            throw new IllegalStateException("the request was not routed by a URI template");
        }
        Map<String, String> parameters = spec.getPathParams(path(request));
        String value = parameters == null ? null : parameters.get(name);
        if (value == null) {
            throw new IllegalStateException("the URI template " + spec.getDeclaration() + " has no {" + name + "}");
        }
        return URIUtil.decodePath(value);
    }
}
