package io.perfplan.cli;

import io.perfplan.demo.DemoService;
import io.perfplan.plan.Quantities;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Serves the bundled demo HTTP service, the target of the quickstart and the tests. */
@Command(name = "demo-service", description = {"Serve a small HTTP service to load and deploy (/, /api/*, /health, /metrics).",
        "Runs until stopped (Ctrl-C or SIGTERM)."})
public final class DemoServiceCommand implements Callable<Integer> {

    @Option(names = "--port", description = "Port on 127.0.0.1 (default 8080; 0 picks a free one).")
    int port = 8080;

    @Option(names = "--host", description = "Address to listen on (default 127.0.0.1).")
    String host = "127.0.0.1";

    @Option(names = "--version", description = "Version reported by /health and /metrics (default 1.0).")
    String version = "1.0";

    @Option(names = "--latency", description = "Delay added to every / and /api/* response, e.g. 2ms.")
    String latency = "0ms";

    @Option(names = "--jitter", description = "Random extra delay up to this, e.g. 1ms.")
    String jitter = "0ms";

    @Option(names = "--error-rate", description = "Share of / and /api/* answered 500, e.g. 0.1%.")
    String errorRate = "0%";

    @Option(names = "--max-rps", description = "Requests per second served; more are answered 503 (0 = no limit).")
    int maxRps;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration l;
        Duration j;
        double e;
        try {
            l = latency.equals("0") ? Duration.ZERO : Quantities.duration(latency);
            j = jitter.equals("0") ? Duration.ZERO : Quantities.duration(jitter);
            e = Quantities.percent(errorRate) / 100.0;
        } catch (IllegalArgumentException ex) {
            throw new UsageException(ex.getMessage());
        }
        DemoService service;
        try {
            service = DemoService.start(new DemoService.Options(host, port, version, l, j, e, maxRps, 0));
        } catch (RuntimeException ex) {
            throw new UsageException(ex.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("demo-service " + version + " listening on " + service.baseUrl());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "demo-service-stop"));
        stopped.await();
        return ExitCode.OK;
    }
}
