package io.hub.bench.relay;

import java.io.IOException;

/**
 * The climb to the highest loss-free level: up by half from a start until a level loses packets or
 * finds the generator behind its schedule, then the gap between the last good level and that one
 * halved a few times. What stopped it is told by the failed level nearest above the one found, since
 * that is the level the found one is the best below: the first failure, from a step of half again,
 * may have been past both limits.
 */
final class Climb {

    /** Measures one level of that many calls. */
    @FunctionalInterface
    interface Level {
        LoadStep.Result measure(int calls) throws IOException, InterruptedException;
    }

    /**
     * The level found and what stopped the climb: {@code loss}, {@code generator} or {@code max}; for
     * a fixed level ({@code RelayLoad}'s {@code --calls}), {@code fixed} or {@code generator}.
     */
    record Found(LoadStep.Result result, String limit) {
    }

    private Climb() {
    }

    /**
     * The highest level with loss under {@code lossBound} and the generator on schedule (or the first
     * level when none was).
     */
    static Found search(int start, int max, int refinements, double lossBound, Level level)
            throws IOException, InterruptedException {
        LoadStep.Result best = null;
        LoadStep.Result first = null;
        String limit = "max";
        int good = 0;
        int bad = 0;
        for (int calls = start; ; calls = Math.min(max, calls * 3 / 2 / 10 * 10)) {
            LoadStep.Result result = level.measure(calls);
            first = first == null ? result : first;
            if (!passes(result, lossBound)) {
                limit = why(result);
                bad = calls;
                break;
            }
            best = result;
            good = calls;
            if (calls >= max) {
                break;
            }
        }
        for (int i = 0; i < refinements && bad > 0; i++) {
            int calls = (good + bad) / 2 / 10 * 10;
            if (calls <= good || calls >= bad) {
                break;
            }
            LoadStep.Result result = level.measure(calls);
            if (passes(result, lossBound)) {
                best = result;
                good = calls;
            } else {
                limit = why(result);
                bad = calls;
            }
        }
        return new Found(best != null ? best : first, limit);
    }

    private static boolean passes(LoadStep.Result result, double lossBound) {
        return result.onSchedule() && result.loss() < lossBound;
    }

    /**
     * A generator behind its schedule no longer offers the load it claims: on a machine whose cores the
     * relay and the generator share, that is where the two together ran out of them.
     */
    private static String why(LoadStep.Result failed) {
        return failed.onSchedule() ? "loss" : "generator";
    }
}
