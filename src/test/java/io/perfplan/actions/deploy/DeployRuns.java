package io.perfplan.actions.deploy;

import io.perfplan.core.deploy.ServiceProcess;
import io.perfplan.engine.ActionRegistry;
import io.perfplan.engine.Cancellation;
import io.perfplan.engine.Engine;
import io.perfplan.engine.RunListener;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.StepReport;
import io.perfplan.plan.Expressions;
import io.perfplan.plan.GroovyExpressions;
import io.perfplan.plan.Plan;
import io.perfplan.plan.PlanValidator;
import io.perfplan.store.Database;
import io.perfplan.store.DeploymentRepository;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs plans with deploy steps through the real engine and a real H2 file in a folder, with
 * PERFPLAN_CMD set so plans can deploy {@code perfplan demo-service}; ends every process that a
 * recorded deployment started.
 */
final class DeployRuns implements AutoCloseable {

    final Path dir;
    final Database db;
    final List<String> logs = new ArrayList<>();
    private final ActionRegistry actions = ActionRegistry.withBuiltIns();
    private final Expressions expressions = new Expressions(GroovyExpressions::new);
    private final AtomicInteger plans = new AtomicInteger();

    DeployRuns(Path dir) {
        this.dir = dir;
        this.db = Database.open(Database.defaultUrl(dir), null, null);
    }

    /** A shell line that starts demo-service as this very process (exec), for `start: [sh, -c, ...]`. */
    static String demoService(int port, String version, String extra) {
        return "exec $PERFPLAN_CMD demo-service --port " + port + " --version " + version + (extra.isEmpty() ? "" : " " + extra);
    }

    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // unquoted, as `exec $PERFPLAN_CMD` splits it into words without reading quotes
        env.put("PERFPLAN_CMD", java + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp "
                + System.getProperty("java.class.path") + " io.perfplan.cli.Main");
        return env;
    }

    RunReport run(String yaml) throws IOException {
        return run(yaml, Map.of());
    }

    /** Runs with extra variables in the process environment (e.g. values of the plan's secrets). */
    RunReport run(String yaml, Map<String, String> extraEnvironment) throws IOException {
        Path file = dir.resolve("plan-" + plans.incrementAndGet() + ".yaml");
        Files.writeString(file, yaml);
        Plan plan = new PlanValidator(actions, expressions).loadAndValidate(file);
        RunListener listener = new RunListener() {
            @Override
            public void stepLog(String stepId, String message) {
                synchronized (logs) {
                    logs.add(stepId + ": " + message);
                }
            }
        };
        return new Engine(actions, db.runs(), expressions).run(plan, Engine.resolveParams(plan, Map.of()),
                new Engine.RunOptions("test", listener, new Cancellation(), withExtra(extraEnvironment)));
    }

    private static Map<String, String> withExtra(Map<String, String> extra) {
        Map<String, String> env = environment();
        env.putAll(extra);
        return env;
    }

    static StepReport step(RunReport r, String id) {
        return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
    }

    /** Deployments of a service, newest first. */
    List<DeploymentRepository.DeploymentRow> deployments(String service) {
        return db.runs().deployments().list(service, null, 100);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The body of GET url, or the failure as text. */
    static String get(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    /** Ends every process a recorded deployment started that still runs. */
    @Override
    public void close() {
        for (DeploymentRepository.DeploymentRow d : db.runs().deployments().list(null, null, 1000)) {
            Map<String, Object> details = parse(d.details());
            if (details.get("pid") instanceof Number pid) {
                long started = details.get("pid_started") instanceof Number n ? n.longValue() : 0;
                new ServiceProcess(pid.longValue(), started, dir.resolve("none.log")).stop(Duration.ofSeconds(2));
            }
        }
        db.close();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        try {
            return (Map<String, Object>) new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
