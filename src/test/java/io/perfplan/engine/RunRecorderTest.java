package io.perfplan.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import io.perfplan.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's writer, on a real H2 file: what the listener hears of is stored, in order; a failed write fails the run. */
class RunRecorderTest {

    @TempDir
    Path dir;

    private Database db;
    private RunRepository runs;
    private long runId;

    @BeforeEach
    void open() {
        db = Database.open(Database.defaultUrl(dir), null, null);
        runs = db.runs();
        runId = runs.startRun("p", "test", "{}", null);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static RunRepository.StepResult passed(String stepId) {
        return new RunRepository.StepResult("passed", "{}", null,
                List.of(new RunRepository.MetricRow(stepId, "wall", "ms", "lower", 1.5)), List.of(), List.of());
    }

    private static StepReport report(String stepId) {
        return new StepReport(stepId, "exec", Status.PASSED, 1, Duration.ofMillis(2), null, false, java.util.Map.of(), List.of());
    }

    @Test
    void theListenerHearsOfEachStepOnlyOnceItIsStoredAndInTheOrderAsked() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        try (RunRecorder recorder = new RunRecorder(runs, runId)) {
            RunListener listener = recorder.inOrder(new RunListener() {
                @Override
                public void stepStarted(String stepId, String action, int attempt) {
                    heard.add("start " + stepId);
                    if (runs.steps(runId).stream().noneMatch(s -> s.stepId().equals(stepId))) {
                        wrong.add(stepId + " was reported started before its row was stored");
                    }
                }

                @Override
                public void stepLog(String stepId, String message) {
                    heard.add("log " + stepId);
                }

                @Override
                public void stepFinished(StepReport step) {
                    heard.add("end " + step.stepId());
                    boolean stored = runs.steps(runId).stream().anyMatch(s -> s.stepId().equals(step.stepId()) && s.status().equals("passed"))
                            && runs.metrics(runId).stream().anyMatch(m -> m.stepId().equals(step.stepId()));
                    if (!stored) {
                        wrong.add(step.stepId() + " was reported passed before its result was stored");
                    }
                }
            });
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "s" + i;
                RunRepository.StepRef row = recorder.start(id, "exec", 1);
                listener.stepStarted(id, "exec", 1);
                listener.stepLog(id, "working");
                recorder.finish(row, id, 1, passed(id));
                listener.stepFinished(report(id));
                expected.addAll(List.of("start " + id, "log " + id, "end " + id));
            }
            recorder.sync();
            assertThat(wrong).isEmpty();
            assertThat(heard).containsExactlyElementsOf(expected);
            assertThat(runs.steps(runId)).hasSize(40).allMatch(s -> s.status().equals("passed"));
        }
    }

    @Test
    void readsOfTheRunWaitForTheWritesQueuedBeforeThem() {
        try (RunRecorder recorder = new RunRecorder(runs, runId)) {
            RunHistory history = new StoreRunHistory(runs, recorder::sync);
            for (int i = 0; i < 20; i++) {
                RunRepository.StepRef row = recorder.start("s" + i, "exec", 1);
                recorder.finish(row, "s" + i, 1, passed("s" + i));
                assertThat(history.stepStatuses(runId)).containsEntry("s" + i, "passed");
                assertThat(history.metricsOfRun(runId)).extracting(RunHistory.Metric::fullName).contains("s" + i + ".wall");
            }
        }
    }

    @Test
    void aWriteThatFailsIsThrownOnTheEnginesThreadAndWhatFollowsItIsNeitherStoredNorReported() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        try (RunRecorder recorder = new RunRecorder(runs, runId)) {
            RunListener listener = recorder.inOrder(new RunListener() {
                @Override
                public void stepStarted(String stepId, String action, int attempt) {
                    heard.add("start " + stepId.length());
                }

                @Override
                public void stepLog(String stepId, String message) {
                    heard.add("log " + message);
                }
            });
            String tooLong = "x".repeat(300); // step_id is VARCHAR(200)
            recorder.start(tooLong, "exec", 1);
            listener.stepStarted(tooLong, "exec", 1);
            listener.stepLog("x", "still heard");
            assertThatThrownBy(recorder::sync).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> recorder.start("next", "exec", 1)).isInstanceOf(StoreException.class);
            assertThat(heard).containsExactly("log still heard");
            assertThat(runs.steps(runId)).isEmpty();
        }
    }

    @Test
    void aListenerMayReadTheHistoryFromTheWritersThreadAndLinesAfterTheRunGoStraightThrough() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        RunRecorder recorder = new RunRecorder(runs, runId);
        RunHistory history = new StoreRunHistory(runs, recorder::sync);
        RunListener listener = recorder.inOrder(new RunListener() {
            @Override
            public void stepFinished(StepReport step) {
                heard.add(step.stepId() + " " + history.stepStatuses(runId).get(step.stepId()));
            }

            @Override
            public void stepLog(String stepId, String message) {
                heard.add(Thread.currentThread().getName() + " " + message);
            }
        });
        RunRepository.StepRef row = recorder.start("a", "exec", 1);
        recorder.finish(row, "a", 1, passed("a"));
        listener.stepFinished(report("a"));
        recorder.sync();
        recorder.close();
        listener.stepLog("a", "late");
        assertThat(heard).containsExactly("a passed", Thread.currentThread().getName() + " late");
        assertThatThrownBy(() -> recorder.start("b", "exec", 1)).isInstanceOf(IllegalStateException.class);
    }
}
