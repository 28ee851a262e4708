package io.perfplan.cli;

import io.perfplan.store.BaselineRepository;
import io.perfplan.store.RunRepository;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Lists, shows, sets, pins and deletes the named baselines that {@code validate} compares with. */
@Command(name = "baseline", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Named baselines that `validate` compares runs with: list, show, set, pin, delete.",
        subcommands = {BaselineCommand.ListBaselines.class, BaselineCommand.ShowBaseline.class, BaselineCommand.SetBaseline.class,
                BaselineCommand.PinBaseline.class, BaselineCommand.DeleteBaseline.class},
        footer = {"", "A baseline points at a run. An unpinned baseline is a rolling window: the last N",
                "passed runs of its plan up to that run, moved forward by `update_baseline: on_pass`.",
                "A pinned one stays on its run until you move it."})
public final class BaselineCommand implements Runnable {

    /** Passed runs a rolling window holds when the baseline does not say (the validate action's default). */
    static final int DEFAULT_WINDOW = 20;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Map<String, Object> json(BaselineRepository.BaselineRow b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", b.name());
        m.put("plan", b.plan());
        m.put("run_id", b.runId());
        m.put("pinned", b.pinned());
        m.put("window", b.pinned() ? null : b.windowSize() == null ? DEFAULT_WINDOW : b.windowSize());
        m.put("updated_at", b.createdAt());
        return m;
    }

    static BaselineRepository.BaselineRow require(BaselineRepository repo, String name) {
        return repo.find(name).orElseThrow(() -> new UsageException("there is no baseline '" + name + "'"
                + io.perfplan.plan.Suggestions.didYouMean(name, repo.all().stream().map(BaselineRepository.BaselineRow::name).toList())
                + "; see `perfplan baseline list`"));
    }

    static long runId(RunRepository runs, String run) {
        long id;
        if (run.equals("last")) {
            id = runs.history(new RunRepository.Filter(null, null, null, null, 1)).stream().findFirst()
                    .map(RunRepository.RunRow::id).orElseThrow(() -> new UsageException("there are no runs yet"));
        } else {
            try {
                id = Long.parseLong(run);
            } catch (NumberFormatException e) {
                throw new UsageException("'" + run + "' is not a run id; run ids are numbers (see `perfplan history`) or 'last'");
            }
        }
        if (runs.run(id).isEmpty()) {
            throw new UsageException("there is no run " + id + "; see `perfplan history`");
        }
        return id;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "List the baselines.")
    static final class ListBaselines implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Mixin
        Common common;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return common.withDatabase(spec, (db, out) -> {
                List<BaselineRepository.BaselineRow> rows = db.runs().baselines().all();
                if (json) {
                    out.println(Json.write(rows.stream().map(BaselineCommand::json).toList()));
                } else if (rows.isEmpty()) {
                    out.println("no baselines yet; a passing `validate` step with update_baseline: on_pass creates one, "
                            + "or: perfplan baseline set NAME RUN");
                } else {
                    Reports.table(out, List.of("NAME", "PLAN", "RUN", "KIND", "UPDATED"), rows.stream().map(b -> List.of(b.name(),
                            b.plan(), String.valueOf(b.runId()), b.pinned() ? "pinned"
                                    : "rolling, last " + (b.windowSize() == null ? DEFAULT_WINDOW : b.windowSize()) + " passed runs",
                            b.createdAt() == null ? "-" : b.createdAt().toString().replace('T', ' ').substring(0, 19))).toList());
                }
                return ExitCode.OK;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Show a baseline: its run, the runs of its window and the run's metrics.")
    static final class ShowBaseline implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The baseline's name.")
        String name;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Mixin
        Common common;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return common.withDatabase(spec, (db, out) -> {
                BaselineRepository.BaselineRow b = require(db.runs().baselines(), name);
                List<Long> window = window(db.runs(), b);
                List<RunRepository.MetricRow> metrics = db.runs().metrics(b.runId());
                if (json) {
                    Map<String, Object> m = json(b);
                    m.put("window_runs", window);
                    Map<String, Object> values = new LinkedHashMap<>();
                    metrics.forEach(x -> values.put(x.stepId() + "." + x.name(), Map.of("value", x.value(), "unit", x.unit())));
                    m.put("metrics", values);
                    out.println(Json.write(m));
                } else {
                    out.println("baseline " + b.name() + " of plan " + b.plan() + ": run " + b.runId()
                            + (b.pinned() ? " (pinned)" : " (rolling)"));
                    out.println("window: " + (b.pinned() ? "run " + b.runId() + " only"
                            : window.size() + " passed runs up to run " + b.runId() + ": " + window));
                    if (!metrics.isEmpty()) {
                        out.println();
                        Reports.table(out, List.of("METRIC", "VALUE", "UNIT"), metrics.stream()
                                .map(x -> List.of(x.stepId() + "." + x.name(), Reports.value(x.value()), x.unit())).toList());
                    }
                }
                return ExitCode.OK;
            });
        }

        /** The runs a rolling baseline's window holds (metrics' change points may shorten it further). */
        private static List<Long> window(RunRepository runs, BaselineRepository.BaselineRow b) {
            if (b.pinned()) {
                return List.of(b.runId());
            }
            int size = b.windowSize() == null ? DEFAULT_WINDOW : b.windowSize();
            List<Long> ids = new java.util.ArrayList<>(runs.history(new RunRepository.Filter(b.plan(), "passed", null, null, 0)).stream()
                    .map(RunRepository.RunRow::id).filter(id -> id <= b.runId()).limit(size).toList());
            if (!ids.contains(b.runId())) {
                ids.add(0, b.runId());
            }
            java.util.Collections.reverse(ids);
            return ids;
        }
    }

    /** Shared by set and pin. */
    abstract static class Assign implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The baseline's name (validate's default is the plan's name).")
        String name;

        @Parameters(index = "1", paramLabel = "RUN", description = "The run id (see `perfplan history`), or 'last'.")
        String run;

        @Mixin
        Common common;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        abstract boolean pinned();

        Integer window() {
            return null;
        }

        @Override
        public Integer call() throws Exception {
            return common.withDatabase(spec, (db, out) -> {
                long id = runId(db.runs(), run);
                RunRepository.RunRow r = db.runs().run(id).orElseThrow();
                Integer size = window();
                if (size == null) {
                    size = db.runs().baselines().find(name).map(BaselineRepository.BaselineRow::windowSize).orElse(null);
                }
                db.runs().baselines().put(new BaselineRepository.BaselineRow(name, r.plan(), id, pinned(), size, Instant.now()));
                out.println("baseline " + name + " now points at run " + id + " of plan " + r.plan()
                        + (pinned() ? " (pinned: runs do not move it)" : " (rolling: passing runs move it forward)")
                        + (r.status().equals("passed") ? "" : "; note that run " + id + " " + r.status()));
                return ExitCode.OK;
            });
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Point a baseline at a run (rolling: later passing runs move it forward).")
    static final class SetBaseline extends Assign {
        @Option(names = "--window", paramLabel = "N", description = "Passed runs in the rolling window (default: unchanged, else 20).")
        Integer windowSize;

        @Override
        boolean pinned() {
            return false;
        }

        @Override
        Integer window() {
            if (windowSize != null && windowSize < 2) {
                throw new UsageException("--window must be at least 2 runs");
            }
            return windowSize;
        }
    }

    @Command(name = "pin", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Pin a baseline to a run: validate compares with that run until you move it.")
    static final class PinBaseline extends Assign {
        @Override
        boolean pinned() {
            return true;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Delete a baseline (the runs stay in the history).")
    static final class DeleteBaseline implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "The baseline's name.")
        String name;

        @Mixin
        Common common;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return common.withDatabase(spec, (db, out) -> {
                require(db.runs().baselines(), name);
                db.runs().baselines().delete(name);
                out.println("baseline " + name + " deleted; the next passing run with update_baseline: on_pass starts a new one");
                return ExitCode.OK;
            });
        }
    }
}
