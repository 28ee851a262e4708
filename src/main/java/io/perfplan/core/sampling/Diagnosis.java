package io.perfplan.core.sampling;

import java.util.List;

/**
 * The bottleneck of a profiled target, the evidence for it in one sentence, and recommendations a
 * person can act on, most important first.
 */
public record Diagnosis(Bottleneck bottleneck, String evidence, List<String> recommendations) {

    public Diagnosis {
        recommendations = List.copyOf(recommendations);
    }
}
