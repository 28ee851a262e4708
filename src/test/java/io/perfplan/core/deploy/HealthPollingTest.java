package io.perfplan.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health checks against real sockets, an HTTP server and commands, and the polling around them. */
class HealthPollingTest {

    @TempDir
    Path dir;

    private static final HealthPolling QUICK = new HealthPolling(Duration.ofMillis(50), Duration.ofSeconds(10));

    @Test
    void httpCheckWantsTheStatusAndTheBodyText() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", ex -> {
            byte[] body = (calls.incrementAndGet() < 3 ? "starting" : "ok version=2.0").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(calls.get() < 2 ? 503 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");
            HealthCheck check = new HealthCheck.Http(url, 200, "version=2.0");
            assertThat(check.probe(Duration.ofSeconds(2)).detail()).isEqualTo("GET " + url + " answered 503, expected 200");
            assertThat(check.probe(Duration.ofSeconds(2)).detail())
                    .isEqualTo("GET " + url + " answered 200 without \"version=2.0\" in its body (got \"starting\")");
            HealthPolling.Report r = QUICK.await(List.of(check), Optional::empty, () -> false, s -> {});
            assertThat(r.healthy()).isTrue();
            assertThat(r.rounds()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void pollsUntilAPortOpensAndEveryCheckPasses() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HealthCheck tcp = new HealthCheck.Tcp("127.0.0.1", port);
        HealthCheck command = new HealthCheck.Command(List.of("true"), dir, Map.of("PATH", System.getenv("PATH")));
        ServerSocket late = new ServerSocket();
        Thread opener = new Thread(() -> {
            try {
                Thread.sleep(400);
                late.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        opener.start();
        try {
            HealthPolling.Report r = QUICK.await(List.of(command, tcp), Optional::empty, () -> false, s -> {});
            assertThat(r.healthy()).isTrue();
            assertThat(r.rounds()).as("refused until the port opened").isGreaterThan(1);
        } finally {
            opener.join();
            late.close();
        }
    }

    @Test
    void givesUpAtTheTimeoutWithTheLastProblem() throws Exception {
        HealthCheck failing = new HealthCheck.Command(List.of("sh", "-c", "exit 7"), dir, Map.of("PATH", System.getenv("PATH")));
        HealthPolling.Report r = new HealthPolling(Duration.ofMillis(100), Duration.ofMillis(500))
                .await(List.of(failing), Optional::empty, () -> false, s -> {});
        assertThat(r.healthy()).isFalse();
        assertThat(r.lastProblem()).isEqualTo("command sh -c exit 7 exited 7");
        assertThat(r.rounds()).isBetween(2, 7);
        assertThat(r.took()).isGreaterThanOrEqualTo(Duration.ofMillis(450)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void stopsAtOnceWhenTheProcessIsGone() {
        HealthCheck never = new HealthCheck.Tcp("127.0.0.1", 1);
        AtomicInteger asked = new AtomicInteger();
        HealthPolling.Report r = new HealthPolling(Duration.ofMillis(20), Duration.ofSeconds(30)).await(List.of(never),
                () -> asked.incrementAndGet() >= 3 ? Optional.of("the process exited") : Optional.empty(), () -> false, s -> {});
        assertThat(r).extracting(HealthPolling.Report::healthy, HealthPolling.Report::lastProblem).containsExactly(false, "the process exited");
        assertThat(r.rounds()).isEqualTo(2);
    }

    @Test
    void aCommandCheckThatHangsIsEndedAtTheProbeTimeout() {
        HealthCheck hang = new HealthCheck.Command(List.of("sleep", "30"), dir, Map.of("PATH", System.getenv("PATH")));
        long t0 = System.nanoTime();
        HealthCheck.Result r = hang.probe(Duration.ofMillis(300));
        assertThat(r.healthy()).isFalse();
        assertThat(r.detail()).isEqualTo("command sleep 30 did not finish within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void tcpTargetsAreParsed() {
        assertThat(HealthCheck.Tcp.parse("127.0.0.1:8080")).isEqualTo(new HealthCheck.Tcp("127.0.0.1", 8080));
        assertThat(HealthCheck.Tcp.parse("[::1]:9")).isEqualTo(new HealthCheck.Tcp("::1", 9));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthCheck.Tcp.parse("localhost"))
                .hasMessage("health tcp \"localhost\" is not host:port, e.g. 127.0.0.1:8080");
    }
}
