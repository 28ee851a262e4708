package io.perfplan.core.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One probe of a service's health: an HTTP request, a TCP connect or a command. A probe answers
 * within its {@code timeout} whether the service is healthy and, when not, why (one sentence).
 */
public sealed interface HealthCheck permits HealthCheck.Http, HealthCheck.Tcp, HealthCheck.Command {

    /** What one probe found. */
    record Result(boolean healthy, String detail) {
        static Result ok(String detail) {
            return new Result(true, detail);
        }

        static Result failed(String detail) {
            return new Result(false, detail);
        }
    }

    /** Probes once, waiting at most {@code timeout}. Never throws for an unhealthy service. */
    Result probe(Duration timeout);

    /** What is checked, for logs (e.g. {@code GET http://127.0.0.1:8080/health}). */
    String describe();

    /**
     * A GET of {@code url} that must answer {@code expectedStatus} and, when {@code bodyContains} is
     * set, a body (first 64 KiB) containing that text.
     */
    record Http(URI url, int expectedStatus, String bodyContains) implements HealthCheck {

        private static final int MAX_BODY_BYTES = 64 * 1024;
        private static final HttpClient CLIENT = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();

        public Http {
            String scheme = url.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
                throw new IllegalArgumentException("health URL " + url + " must start with http:// or https://");
            }
        }

        @Override
        public Result probe(Duration timeout) {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
            try {
                HttpResponse<InputStream> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
                String body;
                try (InputStream in = response.body()) {
                    body = new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
                }
                if (response.statusCode() != expectedStatus) {
                    return Result.failed(describe() + " answered " + response.statusCode() + ", expected " + expectedStatus);
                }
                if (bodyContains != null && !body.contains(bodyContains)) {
                    return Result.failed(describe() + " answered " + response.statusCode() + " without \"" + bodyContains
                            + "\" in its body (got \"" + abbreviate(body.strip()) + "\")");
                }
                return Result.ok(describe() + " answered " + response.statusCode());
            } catch (IOException e) {
                return Result.failed(describe() + " failed: " + message(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Result.failed(describe() + " was interrupted");
            }
        }

        @Override
        public String describe() {
            return "GET " + url;
        }
    }

    /** A TCP connect to {@code host:port}. */
    record Tcp(String host, int port) implements HealthCheck {

        public Tcp {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("health tcp port " + port + " must be from 1 to 65535");
            }
        }

        /** Parses {@code host:port} (an IPv6 host in brackets: {@code [::1]:8080}). */
        public static Tcp parse(String hostPort) {
            int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("health tcp \"" + hostPort + "\" is not host:port, e.g. 127.0.0.1:8080");
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                return new Tcp(host, Integer.parseInt(hostPort.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("health tcp \"" + hostPort + "\" has no port number after the colon, e.g. 127.0.0.1:8080");
            }
        }

        @Override
        public Result probe(Duration timeout) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
                return Result.ok(describe() + " accepted a connection");
            } catch (IOException e) {
                return Result.failed(describe() + " refused: " + message(e));
            }
        }

        @Override
        public String describe() {
            return "connect " + host + ":" + port;
        }
    }

    /**
     * A command that must exit 0; its output is discarded. It is killed (with its children) when it
     * takes longer than the probe's timeout.
     */
    record Command(List<String> argv, Path cwd, Map<String, String> environment) implements HealthCheck {

        public Command {
            if (argv == null || argv.isEmpty()) {
                throw new IllegalArgumentException("health command is empty; give a list like [curl, -fs, http://127.0.0.1:8080/health]");
            }
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
        }

        @Override
        public Result probe(Duration timeout) {
            ProcessBuilder pb = new ProcessBuilder(OrphanGuard.guarded(argv, cwd)).directory(cwd.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(environment);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return Result.failed(describe() + " could not start: " + message(e));
            }
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    ServiceProcess.stopTree(p.toHandle(), Duration.ofSeconds(1));
                    return Result.failed(describe() + " did not finish within " + timeout.toMillis() + " ms");
                }
                return p.exitValue() == 0 ? Result.ok(describe() + " exited 0")
                        : Result.failed(describe() + " exited " + p.exitValue());
            } catch (InterruptedException e) {
                ServiceProcess.stopTree(p.toHandle(), Duration.ofSeconds(1));
                Thread.currentThread().interrupt();
                return Result.failed(describe() + " was interrupted");
            }
        }

        @Override
        public String describe() {
            return "command " + String.join(" ", argv);
        }
    }

    private static String message(Exception e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
