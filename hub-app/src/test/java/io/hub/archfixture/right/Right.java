package io.hub.archfixture.right;

import io.hub.archfixture.left.Left;

/** The other half of the cycle {@link Left} starts. */
public final class Right {

    private Right() {
    }

    public static int depth(int n) {
        return n <= 0 ? 0 : 1 + Left.depth(n - 1);
    }
}
