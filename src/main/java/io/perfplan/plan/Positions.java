package io.perfplan.plan;

import java.util.Map;

/**
 * Line and column of every node of a plan, keyed by its path: {@code steps[1].with.url},
 * {@code params.version}, {@code finally[0].id}. A key's own position is under {@code path#key}.
 */
public record Positions(Map<String, Pos> byPath) {

    public Positions {
        byPath = Map.copyOf(byPath);
    }

    /** The position of the node at this path, or of its nearest recorded parent. */
    public Pos of(String path) {
        String p = path;
        while (true) {
            Pos pos = byPath.get(p);
            if (pos != null) {
                return pos;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return byPath.getOrDefault("", Pos.NONE);
            }
            p = p.substring(0, cut);
        }
    }

    /** The position of a mapping key itself (for "unknown key" messages). */
    public Pos ofKey(String path) {
        Pos pos = byPath.get(path + "#key");
        return pos != null ? pos : of(path);
    }
}
