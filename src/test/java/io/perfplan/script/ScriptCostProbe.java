package io.perfplan.script;

import java.nio.file.Path;

/**
 * Prints what compiling a script costs in one process: the first compile (Groovy cold), a second
 * file, and a cache hit of unchanged content, each the median of several tries where it repeats.
 * Run by bench/scripts.sh; not a test.
 */
public final class ScriptCostProbe {

    public static void main(String[] args) {
        Path file = Path.of(args.length > 0 ? args[0] : "scripts/notify.groovy");
        ScriptActionLoader loader = new ScriptActionLoader();
        long t0 = System.nanoTime();
        loader.load(file, file.toString()).definitions();
        long first = System.nanoTime() - t0;
        long[] fresh = new long[7];
        for (int i = 0; i < fresh.length; i++) {
            long t = System.nanoTime();
            loader.compile("action { name 'probe-" + i + "'; input 'n', type: Integer; execute { ctx, inputs -> inputs.n * 2 } }\n", "probe.groovy")
                    .definitions();
            fresh[i] = System.nanoTime() - t;
        }
        long[] hits = new long[101];
        for (int i = 0; i < hits.length; i++) {
            long t = System.nanoTime();
            loader.load(file, file.toString()).definitions();
            hits[i] = System.nanoTime() - t;
        }
        java.util.Arrays.sort(fresh);
        java.util.Arrays.sort(hits);
        System.out.printf("in one process: first compile of %s %.1f ms (Groovy cold); a new small script %.1f ms (median of %d);"
                        + " unchanged file (read + SHA-256 + cache hit) %.3f ms (median of %d); compilations: %d%n",
                file, first / 1e6, fresh[fresh.length / 2] / 1e6, fresh.length, hits[hits.length / 2] / 1e6, hits.length,
                loader.compilations());
    }
}
