package io.perfplan.actions.profile;

import io.perfplan.core.sampling.BenchmarkResult;
import io.perfplan.core.sampling.BenchmarkSpec;
import io.perfplan.core.sampling.BottleneckClassifier;
import io.perfplan.core.sampling.CommandBenchmark;
import io.perfplan.core.sampling.CommandFailedException;
import io.perfplan.core.sampling.CommandLaunchException;
import io.perfplan.core.sampling.CommandResult;
import io.perfplan.core.sampling.CommandRunner;
import io.perfplan.core.sampling.CommandSpec;
import io.perfplan.core.sampling.Diagnosis;
import io.perfplan.core.sampling.JfrReader;
import io.perfplan.core.sampling.JfrRecording;
import io.perfplan.core.sampling.JfrSummary;
import io.perfplan.core.sampling.ProcessSampler;
import io.perfplan.core.sampling.ProcessSamples;
import io.perfplan.core.sampling.RunStatistics;
import io.perfplan.core.sampling.SystemSamples;
import io.perfplan.engine.Action;
import io.perfplan.engine.ActionSpec;
import io.perfplan.engine.ActionSpec.OutputSpec;
import io.perfplan.engine.Direction;
import io.perfplan.engine.MetricSpec;
import io.perfplan.engine.Outcome;
import io.perfplan.engine.StepContext;
import io.perfplan.engine.Unit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * The {@code profile} action: measures a command over repeated runs (hyperfine style, exact kernel
 * accounting per run) or samples a running process or the whole machine, optionally records a JVM
 * with Java Flight Recorder, and names the bottleneck with recommendations.
 */
public final class ProfileAction implements Action<ProfileInputs> {

    private static final Direction LOWER = Direction.LOWER_IS_BETTER;
    private static final Direction NEUTRAL = Direction.NEUTRAL;

    private static final String EXAMPLE = """
            steps:
              - id: startup
                action: profile
                with:
                  command: [java, -cp, app.jar, com.example.Main]
                  runs: 10
                  warmup: 2
                  jfr: true
              - id: hot-path
                action: profile
                with:
                  command: "curl -s http://127.0.0.1:8080/health > /dev/null"
                  shell: true
                  runs: 20
                  prepare: "sync"
              - id: under-load
                action: profile
                with:
                  process: "java .*checkout"
                  interval: 100ms
                  duration: 30s
                  jfr: true
            """;

    @Override
    public ActionSpec<ProfileInputs> spec() {
        return new ActionSpec<>("profile",
                "Run a command N times (warm-up, exact per-run wall/CPU/peak-RSS from the kernel, statistics with a "
                        + "bootstrap interval and outliers) or sample a running process (pid, process regex) or the system "
                        + "for a duration; for JVMs record with JFR (hot methods, GC, allocation, locks). Classifies the "
                        + "bottleneck (cpu-bound, memory-growth, gc-pressure, lock-contention, io-wait, waiting, mixed) and "
                        + "recommends what to do. Per-run wall times are stored as samples 'wall'.",
                ProfileInputs.class,
                List.of(new OutputSpec("bottleneck", "The bottleneck's name, e.g. cpu-bound or waiting."),
                        new OutputSpec("evidence", "One sentence with the measurements behind the bottleneck."),
                        new OutputSpec("recommendations", "List of sentences saying what to do, most important first."),
                        new OutputSpec("hot_methods", "JFR only: up to 10 {method, samples, percent}, hottest first."),
                        new OutputSpec("runs", "Command mode: every measured run {run, wall_ms, user_ms, sys_ms, peak_rss_bytes, "
                                + "read_bytes, written_bytes, exit_code} (like hyperfine --export-json)."),
                        new OutputSpec("statistics", "Command mode: {mean_ms, median_ms, stddev_ms, min_ms, max_ms, "
                                + "median_ci95_ms: [low, high], outlier_runs}."),
                        new OutputSpec("warnings", "Outliers or noisy measurements worth a look."),
                        new OutputSpec("jfr", "JFR only: path of the recording (open it in JDK Mission Control) and GC, "
                                + "allocation and monitor figures."),
                        new OutputSpec("note", "Attach mode: why sampling ended early (e.g. the process exited), or empty."),
                        new OutputSpec("pids", "Attach mode: the processes sampled.")),
                List.of(new MetricSpec("wall.mean", Unit.MILLISECONDS, LOWER, "Mean wall time of the measured runs."),
                        new MetricSpec("wall.median", Unit.MILLISECONDS, LOWER, "Median wall time of the measured runs."),
                        new MetricSpec("wall.stddev", Unit.MILLISECONDS, LOWER, "Sample standard deviation of the wall times."),
                        new MetricSpec("wall.min", Unit.MILLISECONDS, LOWER, "Fastest run."),
                        new MetricSpec("wall.max", Unit.MILLISECONDS, LOWER, "Slowest run."),
                        new MetricSpec("cpu.user", Unit.MILLISECONDS, LOWER, "User CPU: mean per run (command mode) or total while sampled."),
                        new MetricSpec("cpu.sys", Unit.MILLISECONDS, LOWER, "System CPU: mean per run (command mode) or total while sampled."),
                        new MetricSpec("cpu.percent.mean", Unit.PERCENT, NEUTRAL, "Mean CPU use, 100 = one core (system: share of all cores)."),
                        new MetricSpec("cpu.percent.max", Unit.PERCENT, NEUTRAL, "Highest CPU use of a run or a sample."),
                        new MetricSpec("rss.peak", Unit.BYTES, LOWER, "Largest resident set size (command mode: kernel's peak of any run)."),
                        new MetricSpec("threads.max", Unit.COUNT, NEUTRAL, "Attach mode: most threads seen."),
                        new MetricSpec("io.read", Unit.BYTES, NEUTRAL, "Bytes read from storage: mean per run, or total while sampled."),
                        new MetricSpec("io.write", Unit.BYTES, NEUTRAL, "Bytes written to storage: mean per run, or total while sampled."),
                        new MetricSpec("gc.pause.total", Unit.MILLISECONDS, LOWER, "JFR: sum of GC pauses."),
                        new MetricSpec("gc.pause.max", Unit.MILLISECONDS, LOWER, "JFR: longest GC pause."),
                        new MetricSpec("alloc.rate", Unit.PER_SECOND, NEUTRAL, "JFR: bytes allocated per second."),
                        new MetricSpec("iowait.percent.mean", Unit.PERCENT, LOWER, "System: mean share of CPU time waiting for I/O."),
                        new MetricSpec("load.max", Unit.COUNT, NEUTRAL, "System: highest 1-minute load average."),
                        new MetricSpec("memory.used.max", Unit.BYTES, NEUTRAL, "System: most memory in use."),
                        new MetricSpec("disk.read_rate", Unit.PER_SECOND, NEUTRAL, "System: mean disk read bytes per second."),
                        new MetricSpec("disk.write_rate", Unit.PER_SECOND, NEUTRAL, "System: mean disk write bytes per second."),
                        new MetricSpec("net.rx_rate", Unit.PER_SECOND, NEUTRAL, "System: mean network bytes received per second."),
                        new MetricSpec("net.tx_rate", Unit.PER_SECOND, NEUTRAL, "System: mean network bytes sent per second.")),
                EXAMPLE);
    }

    @Override
    public Optional<String> describe(ProfileInputs in) {
        if (in.commandMode()) {
            return Optional.of(String.format(Locale.ROOT, "would run '%s' %d warm-up and %d measured time(s)%s%s",
                    commandSpec(in, Path.of(""), Map.of()).display(), in.warmup(), in.runs(),
                    in.minTime().isZero() ? "" : " (at least " + in.minTime().toMillis() + " ms in total)",
                    in.jfr() ? ", plus one run with a flight recording" : ""));
        }
        String target = in.pid() != null ? "process " + in.pid()
                : in.process() != null ? "processes matching '" + in.process() + "'"
                : in.service() != null ? "service " + in.service() : "the system";
        return Optional.of(String.format(Locale.ROOT, "would sample %s every %d ms for %d ms%s", target,
                in.interval().toMillis(), in.duration().toMillis(), in.jfr() ? " with a flight recording" : ""));
    }

    @Override
    public Outcome execute(ProfileInputs in, StepContext ctx) throws Exception {
        CommandRunner runner = new CommandRunner();
        try {
            return in.commandMode() ? commandMode(in, ctx, runner) : attachMode(in, ctx, runner);
        } catch (CommandLaunchException | CommandFailedException | IllegalArgumentException e) {
            return Outcome.fail(e.getMessage());
        } catch (CancellationException e) {
            return Outcome.fail("Profiling was cancelled before it finished.");
        }
    }

    private Outcome commandMode(ProfileInputs in, StepContext ctx, CommandRunner runner) throws IOException {
        CommandSpec command = commandSpec(in, ctx.workDir(), ctx.environment()).withTimeout(runTimeout(ctx));
        if (!CommandRunner.measuresPeakRssExactly()) {
            ctx.log("perl is not on the PATH, so rss.peak is reported only when a run's peak exceeds perfplan's own; "
                    + "install perl for exact per-run peaks.");
        }
        CommandSpec prepare = in.prepare() == null ? null : shellLike(command, in.prepare());
        CommandSpec cleanup = in.cleanup() == null ? null : shellLike(command, in.cleanup());
        BenchmarkSpec spec = new BenchmarkSpec(command, in.runs(), in.warmup(), prepare, cleanup, in.minTime(), 10_000);
        BenchmarkResult result = new CommandBenchmark(runner).run(spec, ctx::track, ctx::cancelled, ctx::log);
        RunStatistics stats = result.wallMillis();
        int n = result.runs().size();

        JfrSummary jfr = null;
        if (in.jfr()) {
            Path file = Files.createTempDirectory("perfplan-jfr-").resolve(ctx.stepId() + ".jfr");
            ctx.log("recording one more run with Java Flight Recorder to " + file);
            CommandResult recorded = runner.run(JfrRecording.launchedWith(command, file), ctx::track);
            if (recorded.exitCode() != 0) {
                return Outcome.fail("The run with a flight recording exited with code " + recorded.exitCode()
                        + " (" + recorded.tail() + "); check that the command is a Java 11+ program.");
            }
            if (!Files.isRegularFile(file)) {
                return Outcome.fail("jfr is on but the command started no JVM that wrote a flight recording; "
                        + "use jfr only with a java command (or a script that runs java).");
            }
            jfr = JfrReader.read(file);
            reportJfr(ctx, jfr, file);
        }

        ctx.samples("wall", result.wallMillisPerRun(), Unit.MILLISECONDS);
        ctx.metric("wall.mean", stats.mean(), Unit.MILLISECONDS, LOWER);
        ctx.metric("wall.median", stats.median(), Unit.MILLISECONDS, LOWER);
        ctx.metric("wall.stddev", stats.stddev(), Unit.MILLISECONDS, LOWER);
        ctx.metric("wall.min", stats.min(), Unit.MILLISECONDS, LOWER);
        ctx.metric("wall.max", stats.max(), Unit.MILLISECONDS, LOWER);
        ctx.metric("cpu.user", result.totalUserCpu().toNanos() / 1e6 / n, Unit.MILLISECONDS, LOWER);
        ctx.metric("cpu.sys", result.totalSysCpu().toNanos() / 1e6 / n, Unit.MILLISECONDS, LOWER);
        double[] cpuPercent = result.runs().stream().mapToDouble(r -> 100 * r.coresBusy()).toArray();
        ctx.metric("cpu.percent.mean", Arrays.stream(cpuPercent).average().orElse(0), Unit.PERCENT, NEUTRAL);
        ctx.metric("cpu.percent.max", Arrays.stream(cpuPercent).max().orElse(0), Unit.PERCENT, NEUTRAL);
        if (result.peakRssBytes() >= 0) {
            ctx.metric("rss.peak", result.peakRssBytes(), Unit.BYTES, LOWER);
        }
        ctx.metric("io.read", result.runs().stream().mapToLong(CommandResult::readBytes).average().orElse(0), Unit.BYTES, NEUTRAL);
        ctx.metric("io.write", result.runs().stream().mapToLong(CommandResult::writtenBytes).average().orElse(0), Unit.BYTES, NEUTRAL);

        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CommandResult r = result.runs().get(i);
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("run", i + 1);
            run.put("wall_ms", r.wall().toNanos() / 1e6);
            run.put("user_ms", r.userCpu().toNanos() / 1e6);
            run.put("sys_ms", r.sysCpu().toNanos() / 1e6);
            run.put("peak_rss_bytes", r.peakRssBytes());
            run.put("read_bytes", r.readBytes());
            run.put("written_bytes", r.writtenBytes());
            run.put("exit_code", r.exitCode());
            runs.add(run);
        }
        ctx.output("runs", runs);
        Map<String, Object> statistics = new LinkedHashMap<>();
        statistics.put("mean_ms", stats.mean());
        statistics.put("median_ms", stats.median());
        statistics.put("stddev_ms", stats.stddev());
        statistics.put("min_ms", stats.min());
        statistics.put("max_ms", stats.max());
        statistics.put("median_ci95_ms", List.of(stats.medianLow(), stats.medianHigh()));
        statistics.put("outlier_runs", stats.outliers().stream().map(i -> i + 1).toList());
        ctx.output("statistics", statistics);
        ctx.output("warnings", result.warnings());
        result.warnings().forEach(w -> ctx.log("warning: " + w));
        ctx.log(String.format(Locale.ROOT, "wall %.1f ms ± %.1f ms (median %.1f ms, 95%% CI %.1f–%.1f ms) over %d runs",
                stats.mean(), stats.stddev(), stats.median(), stats.medianLow(), stats.medianHigh(), n));

        Diagnosis diagnosis = BottleneckClassifier.ofRuns(result, jfr, Runtime.getRuntime().availableProcessors());
        return report(ctx, diagnosis, jfr);
    }

    private Outcome attachMode(ProfileInputs in, StepContext ctx, CommandRunner runner) throws IOException {
        ProcessSampler sampler = new ProcessSampler();
        if (in.system()) {
            SystemSamples s = sampler.sampleSystem(in.interval(), in.duration(), ctx::cancelled);
            reportSystem(ctx, s);
            ctx.output("note", s.note());
            if (!s.note().isEmpty()) {
                ctx.log(s.note());
            }
            return report(ctx, BottleneckClassifier.ofSystem(s), null);
        }
        List<Integer> pids;
        if (in.service() != null) {
            return Outcome.fail("service: '" + in.service() + "' is resolved by the deploy feature, which is not available "
                    + "in this build; use pid: or process: to name the process instead.");
        } else if (in.pid() != null) {
            if (ProcessHandle.of(in.pid()).filter(ProcessHandle::isAlive).isEmpty()) {
                return Outcome.fail("No process with pid " + in.pid() + " is running; check the pid (ps -p " + in.pid() + ").");
            }
            pids = List.of(Math.toIntExact(in.pid()));
        } else {
            pids = sampler.find(in.process());
            ctx.log("sampling " + pids.size() + " process(es) matching '" + in.process() + "': " + pids);
        }
        if (in.jfr() && pids.size() != 1) {
            return Outcome.fail("jfr records one JVM but " + pids.size() + " processes match '" + in.process()
                    + "' (" + pids + "); make the pattern match only one, or use pid.");
        }
        JfrRecording recording = null;
        Path file = null;
        if (in.jfr()) {
            file = Files.createTempDirectory("perfplan-jfr-").resolve(ctx.stepId() + ".jfr");
            recording = JfrRecording.attach(runner, pids.get(0), file);
            ctx.log("recording process " + pids.get(0) + " with Java Flight Recorder to " + file);
        }
        ProcessSamples s;
        try {
            s = sampler.sample(pids, in.interval(), in.duration(), ctx::cancelled);
        } finally {
            if (recording != null) {
                recording.stop();
            }
        }
        JfrSummary jfr = null;
        if (file != null) {
            jfr = JfrReader.read(file);
            reportJfr(ctx, jfr, file);
        }
        if (!s.note().isEmpty()) {
            ctx.log(s.note());
        }
        ctx.output("note", s.note());
        ctx.output("pids", s.pids());
        reportProcess(ctx, s);
        return report(ctx, BottleneckClassifier.ofProcess(s, jfr, Runtime.getRuntime().availableProcessors()), jfr);
    }

    private static void reportProcess(StepContext ctx, ProcessSamples s) {
        int n = s.size();
        ctx.samples("cpu.percent", s.cpuPercent(), Unit.PERCENT);
        ctx.samples("rss", toDouble(s.rssBytes()), Unit.BYTES);
        ctx.samples("threads", Arrays.stream(s.threads()).asDoubleStream().toArray(), Unit.COUNT);
        ctx.samples("open_files", toDouble(s.openFiles()), Unit.COUNT);
        ctx.samples("io.read", toDouble(s.readBytes()), Unit.BYTES);
        ctx.samples("io.write", toDouble(s.writtenBytes()), Unit.BYTES);
        ctx.samples("context_switches", toDouble(s.contextSwitches()), Unit.COUNT);
        ctx.samples("offset", toDouble(s.offsetMillis()), Unit.MILLISECONDS);
        ctx.metric("cpu.user", s.userCpu().toMillis(), Unit.MILLISECONDS, LOWER);
        ctx.metric("cpu.sys", s.sysCpu().toMillis(), Unit.MILLISECONDS, LOWER);
        if (n == 0) {
            return;
        }
        ctx.metric("cpu.percent.mean", Arrays.stream(s.cpuPercent()).average().orElse(0), Unit.PERCENT, NEUTRAL);
        ctx.metric("cpu.percent.max", Arrays.stream(s.cpuPercent()).max().orElse(0), Unit.PERCENT, NEUTRAL);
        ctx.metric("rss.peak", Arrays.stream(s.rssBytes()).max().orElse(0), Unit.BYTES, LOWER);
        ctx.metric("threads.max", Arrays.stream(s.threads()).max().orElse(0), Unit.COUNT, NEUTRAL);
        ctx.metric("io.read", s.readBytes()[n - 1], Unit.BYTES, NEUTRAL);
        ctx.metric("io.write", s.writtenBytes()[n - 1], Unit.BYTES, NEUTRAL);
    }

    private static void reportSystem(StepContext ctx, SystemSamples s) {
        ctx.samples("cpu.percent", s.cpuPercent(), Unit.PERCENT);
        ctx.samples("iowait.percent", s.iowaitPercent(), Unit.PERCENT);
        ctx.samples("load", s.loadAverage1m(), Unit.COUNT);
        ctx.samples("memory.used", toDouble(s.memoryUsedBytes()), Unit.BYTES);
        ctx.samples("disk.read_rate", s.diskReadBytesPerSecond(), Unit.PER_SECOND);
        ctx.samples("disk.write_rate", s.diskWriteBytesPerSecond(), Unit.PER_SECOND);
        ctx.samples("net.rx_rate", s.networkRxBytesPerSecond(), Unit.PER_SECOND);
        ctx.samples("net.tx_rate", s.networkTxBytesPerSecond(), Unit.PER_SECOND);
        ctx.samples("offset", toDouble(s.offsetMillis()), Unit.MILLISECONDS);
        if (s.size() == 0) {
            return;
        }
        ctx.metric("cpu.percent.mean", mean(s.cpuPercent()), Unit.PERCENT, NEUTRAL);
        ctx.metric("cpu.percent.max", Arrays.stream(s.cpuPercent()).max().orElse(0), Unit.PERCENT, NEUTRAL);
        ctx.metric("iowait.percent.mean", mean(s.iowaitPercent()), Unit.PERCENT, LOWER);
        ctx.metric("load.max", Arrays.stream(s.loadAverage1m()).max().orElse(0), Unit.COUNT, NEUTRAL);
        ctx.metric("memory.used.max", Arrays.stream(s.memoryUsedBytes()).max().orElse(0), Unit.BYTES, NEUTRAL);
        ctx.metric("disk.read_rate", mean(s.diskReadBytesPerSecond()), Unit.PER_SECOND, NEUTRAL);
        ctx.metric("disk.write_rate", mean(s.diskWriteBytesPerSecond()), Unit.PER_SECOND, NEUTRAL);
        ctx.metric("net.rx_rate", mean(s.networkRxBytesPerSecond()), Unit.PER_SECOND, NEUTRAL);
        ctx.metric("net.tx_rate", mean(s.networkTxBytesPerSecond()), Unit.PER_SECOND, NEUTRAL);
    }

    private static void reportJfr(StepContext ctx, JfrSummary jfr, Path file) {
        ctx.metric("gc.pause.total", jfr.gcPauseTotal().toNanos() / 1e6, Unit.MILLISECONDS, LOWER);
        ctx.metric("gc.pause.max", jfr.gcPauseMax().toNanos() / 1e6, Unit.MILLISECONDS, LOWER);
        ctx.metric("alloc.rate", jfr.allocationBytesPerSecond(), Unit.PER_SECOND, NEUTRAL);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", file.toString());
        out.put("execution_samples", jfr.executionSamples());
        out.put("gc_count", jfr.gcCount());
        out.put("gc_pause_total_ms", jfr.gcPauseTotal().toNanos() / 1e6);
        out.put("gc_pause_max_ms", jfr.gcPauseMax().toNanos() / 1e6);
        out.put("allocation_bytes_per_second", jfr.allocationBytesPerSecond());
        out.put("contended_monitors", jfr.contendedMonitors().stream().map(m -> Map.<String, Object>of(
                "monitor_class", m.monitorClass(), "count", m.count(), "blocked_ms", m.blocked().toNanos() / 1e6)).toList());
        ctx.output("jfr", out);
    }

    private static Outcome report(StepContext ctx, Diagnosis diagnosis, JfrSummary jfr) {
        ctx.output("bottleneck", diagnosis.bottleneck().label());
        ctx.output("evidence", diagnosis.evidence());
        ctx.output("recommendations", diagnosis.recommendations());
        ctx.output("hot_methods", jfr == null ? List.of() : jfr.hotMethods().stream().map(m -> Map.<String, Object>of(
                "method", m.method(), "samples", m.samples(), "percent", m.percent())).toList());
        ctx.log("bottleneck: " + diagnosis.bottleneck().label() + " — " + diagnosis.evidence());
        diagnosis.recommendations().forEach(r -> ctx.log("  - " + r));
        return Outcome.pass(diagnosis.bottleneck().label() + ": " + diagnosis.evidence());
    }

    private static CommandSpec commandSpec(ProfileInputs in, Path workDir, Map<String, String> environment) {
        List<String> argv = in.shell() ? List.of("sh", "-c", in.command().get(0)) : in.command();
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(in.env());
        Path cwd = in.cwd() == null ? workDir : workDir.resolve(in.cwd());
        return new CommandSpec(argv, cwd, env, null, CommandSpec.DEFAULT_CAPTURE_LIMIT_BYTES);
    }

    /** Prepare and cleanup commands run in the same place and environment as the measured command. */
    private static CommandSpec shellLike(CommandSpec command, String script) {
        return command.withArgv(List.of("sh", "-c", script));
    }

    /** No single run may outlive the step; an unset step timeout arrives as a very large value. */
    private static Duration runTimeout(StepContext ctx) {
        Duration left = ctx.remaining();
        return left.compareTo(Duration.ofDays(1)) > 0 ? null : left.plusMillis(1);
    }

    private static double[] toDouble(long[] values) {
        return Arrays.stream(values).asDoubleStream().toArray();
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(0);
    }
}
