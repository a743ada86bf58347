package io.hub.sip.location;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which AORs have a binding on each live flow: who a phone is, by the connection a request came
 * on, without walking every binding (an INVITE asks it). Kept by {@link LocationService} under the
 * AOR's lock at every change of the AOR's bindings; a flow's entry goes when its last AOR does.
 */
final class FlowIndex {

    private final Map<Long, Set<String>> aorsByFlow = new ConcurrentHashMap<>();

    /** The AOR's bindings went from {@code before} to {@code after}. */
    void changed(String aor, List<Binding> before, List<Binding> after) {
        Set<Long> now = flows(after);
        for (long flow : flows(before)) {
            if (!now.contains(flow)) {
                remove(flow, aor);
            }
        }
        for (long flow : now) {
            aorsByFlow.compute(flow, (id, aors) -> {
                if (aors != null && aors.contains(aor)) {
                    return aors;
                }
                Set<String> more = aors == null ? new HashSet<>() : new HashSet<>(aors);
                more.add(aor);
                return Set.copyOf(more);
            });
        }
    }

    /** The AORs with a binding on the flow, expired ones included (the caller filters). */
    Set<String> aorsOn(long flowId) {
        return aorsByFlow.getOrDefault(flowId, Set.of());
    }

    /** The flow is gone: nothing points at it any more. */
    Set<String> forget(long flowId) {
        Set<String> aors = aorsByFlow.remove(flowId);
        return aors == null ? Set.of() : aors;
    }

    int size() {
        return aorsByFlow.size();
    }

    private void remove(long flow, String aor) {
        aorsByFlow.computeIfPresent(flow, (id, aors) -> {
            if (!aors.contains(aor)) {
                return aors;
            }
            Set<String> fewer = new HashSet<>(aors);
            fewer.remove(aor);
            return fewer.isEmpty() ? null : Set.copyOf(fewer);
        });
    }

    private static Set<Long> flows(List<Binding> bindings) {
        Set<Long> flows = new HashSet<>();
        for (Binding binding : bindings) {
            if (binding.hasFlow()) {
                flows.add(binding.flowId());
            }
        }
        return flows;
    }
}
