package io.hub.archfixture.left;

import io.hub.archfixture.right.Right;

/** One half of a cycle between two feature packages, for the rule that forbids them. */
public final class Left {

    private Left() {
    }

    public static int depth(int n) {
        return n <= 0 ? 0 : 1 + Right.depth(n - 1);
    }
}
