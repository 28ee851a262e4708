package io.perfplan.actions.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perfplan.plan.InputsBinder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidateInputsTest {

    private static ValidateInputs bind(Map<String, Object> with) {
        return InputsBinder.bind(with, ValidateInputs.class);
    }

    @Test
    void defaultsAreThoseTheDocsPromise() {
        ValidateInputs in = bind(Map.of("regression", Map.of("metrics", List.of("load.latency.p99")), "history", Map.of()));
        assertThat(in.updateBaseline()).isEqualTo(ValidateInputs.UpdateBaseline.ON_PASS);
        assertThat(in.fail()).isTrue();
        ValidateInputs.Regression r = in.regression();
        assertThat(r.baseline()).isNull();
        assertThat(r.tolerance().value()).isEqualTo(5);
        assertThat(r.alpha()).isEqualTo(0.01);
        assertThat(r.minSamples()).isEqualTo(10);
        assertThat(r.onNoData()).isEqualTo(ValidateInputs.OnNoData.INCONCLUSIVE);
        assertThat(r.window()).isEqualTo(20);
        assertThat(in.history().window()).isEqualTo(50);
        assertThat(in.history().pvalue()).isEqualTo(0.001);
        assertThat(in.historyMetrics()).containsExactly("load.latency.p99");
        assertThat(bind(Map.of("thresholds", "a.b < 1ms", "update_baseline", "always")).thresholds()).containsExactly("a.b < 1ms");
    }

    @Test
    void badInputsSayWhatToWrite() {
        assertThatThrownBy(() -> bind(Map.of())).hasMessageContaining("validate has nothing to check");
        assertThatThrownBy(() -> bind(Map.of("thresholds", List.of("a.b < 1ms", "a.b <")))).hasMessageContaining("thresholds[1]: threshold");
        assertThatThrownBy(() -> bind(Map.of("regression", Map.of("metrics", List.of("p99")))))
                .hasMessageContaining("'p99' is not a metric reference");
        assertThatThrownBy(() -> bind(Map.of("regression", Map.of("metrics", List.of("a.b"), "alpha", 0.7))))
                .hasMessageContaining("alpha 0.7 must lie between 0 and 0.5");
        assertThatThrownBy(() -> bind(Map.of("regression", Map.of("metrics", List.of("a.b"), "tolerance", 5))))
                .hasMessageContaining("needs a % sign");
        assertThatThrownBy(() -> bind(Map.of("history", Map.of("window", 4)))).hasMessageContaining("history.window 4 is too small");
        assertThatThrownBy(() -> bind(Map.of("history", Map.of()))).hasMessageContaining("history needs `metrics`");
        assertThatThrownBy(() -> bind(Map.of("thresholds", List.of("a.b < 1ms"), "update_baseline", "sometimes")))
                .hasMessageContaining("update_baseline");
    }
}
