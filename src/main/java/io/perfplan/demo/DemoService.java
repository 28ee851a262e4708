package io.perfplan.demo;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import io.perfplan.core.load.Transport;

/**
 * The bundled target service: a small Netty HTTP/1.1 server for the quickstart, the examples and the
 * tests. It serves {@code /} and {@code /api/*} (200, after the configured latency), {@code /health}
 * (200 with the version) and {@code /metrics} (Prometheus text). Latency is injected by scheduling
 * the response on the event loop, never by blocking it. Start with {@link #start(Options)}, stop
 * with {@link #close()}.
 */
public final class DemoService implements AutoCloseable {

    /**
     * How the service behaves.
     *
     * @param host       the address to listen on (loopback by default)
     * @param port       the port; 0 picks a free one, see {@link DemoService#port()}
     * @param version    reported by {@code /health}, {@code /metrics} and the {@code X-Version} header
     * @param latency    added before each {@code /} and {@code /api/*} response
     * @param jitter     a uniformly random extra delay in {@code [0, jitter]}
     * @param errorRate  fraction (0..1) of {@code /} and {@code /api/*} requests answered 500
     * @param maxRps     requests served in any sliding one-second window; beyond it requests are
     *                   answered 503 at once rather than delayed, so a stress test sees the capacity as
     *                   a clear step in the error rate; 0 means no limit (at most 10,000,000)
     * @param threads    event-loop threads; 0 means one per available processor
     */
    public record Options(String host, int port, String version, Duration latency, Duration jitter, double errorRate,
                          int maxRps, int threads) {
        public Options {
            host = host == null ? "127.0.0.1" : host;
            version = version == null ? "1.0" : version;
            latency = latency == null ? Duration.ZERO : latency;
            jitter = jitter == null ? Duration.ZERO : jitter;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            if (latency.isNegative() || jitter.isNegative()) {
                throw new IllegalArgumentException("latency and jitter must not be negative");
            }
            if (!(errorRate >= 0 && errorRate <= 1)) {
                throw new IllegalArgumentException("error rate must be between 0% and 100%, got " + errorRate * 100 + "%");
            }
            if (maxRps > 10_000_000) {
                throw new IllegalArgumentException("max-rps must be at most 10,000,000, got " + maxRps);
            }
            if (maxRps < 0 || threads < 0) {
                throw new IllegalArgumentException("max-rps and threads must be 0 or more");
            }
        }

        /** Defaults: loopback, the given port, version 1.0, no latency, no errors, no limit. */
        public static Options onPort(int port) {
            return new Options(null, port, null, null, null, 0, 0, 0);
        }

        public Options withVersion(String v) {
            return new Options(host, port, v, latency, jitter, errorRate, maxRps, threads);
        }

        public Options withLatency(Duration l, Duration j) {
            return new Options(host, port, version, l, j, errorRate, maxRps, threads);
        }

        public Options withErrorRate(double fraction) {
            return new Options(host, port, version, latency, jitter, fraction, maxRps, threads);
        }

        public Options withMaxRps(int n) {
            return new Options(host, port, version, latency, jitter, errorRate, n, threads);
        }

        public Options withThreads(int n) {
            return new Options(host, port, version, latency, jitter, errorRate, maxRps, n);
        }
    }

    private final Options options;
    private final EventLoopGroup group;
    private final Channel server;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicLongArray byClass = new java.util.concurrent.atomic.AtomicLongArray(6);
    private final SlidingWindowLimit limit;

    private DemoService(Options options) throws InterruptedException {
        this.options = options;
        this.limit = options.maxRps() > 0 ? new SlidingWindowLimit(options.maxRps()) : null;
        Transport transport = Transport.best();
        int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        group = transport.newGroup(threads, "demo-service");
        try {
            server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                    new HttpObjectAggregator(1 << 20), new Handler());
                        }
                    })
                    .bind(options.host(), options.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port()
                    + " (" + e.getMessage() + "); pick another port or stop what uses it", e);
        }
    }

    /** Starts listening; returns once the port is bound. */
    public static DemoService start(Options options) throws InterruptedException {
        return new DemoService(options);
    }

    /** The bound port (the chosen one when the options said 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** {@code http://host:port}. */
    public String baseUrl() {
        return "http://" + options.host() + ":" + port();
    }

    public Options options() {
        return options;
    }

    /** Requests received so far (all paths). */
    public long requests() {
        return requests.get();
    }

    /** 5xx answers so far (injected errors and max-rps rejections). */
    public long errors() {
        return errors.get();
    }

    /** Responses whose status is in the class, e.g. {@code responses(4)} for 4xx. */
    public long responses(int statusClass) {
        return byClass.get(statusClass);
    }

    /** Requests answered 503 because of max-rps. */
    public long rejected() {
        return rejected.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        /** When the last scheduled response of this connection goes out, so responses keep request order. */
        private long lastResponseNanos;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            requests.incrementAndGet();
            String path = new QueryStringDecoder(req.uri()).path();
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            boolean head = req.method().name().equals("HEAD");
            if (path.equals("/health")) {
                respond(ctx, HttpResponseStatus.OK, "ok version=" + options.version() + "\n", "text/plain", keepAlive, head, 0);
                return;
            }
            if (path.equals("/metrics")) {
                respond(ctx, HttpResponseStatus.OK, metrics(), "text/plain; version=0.0.4", keepAlive, head, 0);
                return;
            }
            if (!path.equals("/") && !path.equals("/api") && !path.startsWith("/api/")) {
                respond(ctx, HttpResponseStatus.NOT_FOUND, "not found: " + path + "\n", "text/plain", keepAlive, head, 0);
                return;
            }
            if (limit != null && !limit.tryTake()) {
                rejected.incrementAndGet();
                errors.incrementAndGet();
                respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "over max-rps " + options.maxRps() + "\n", "text/plain", keepAlive, head, 0);
                return;
            }
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            long delay = options.latency().toNanos();
            long jitter = options.jitter().toNanos();
            if (jitter > 0) {
                delay += rnd.nextLong(jitter + 1);
            }
            if (options.errorRate() > 0 && rnd.nextDouble() < options.errorRate()) {
                errors.incrementAndGet();
                respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "injected error\n", "text/plain", keepAlive, head, delay);
                return;
            }
            String body = path.equals("/")
                    ? "perfplan demo-service " + options.version() + "\n"
                    : "{\"path\":\"" + path.replace("\"", "") + "\",\"version\":\"" + options.version() + "\"}\n";
            respond(ctx, HttpResponseStatus.OK, body, path.equals("/") ? "text/plain" : "application/json", keepAlive, head, delay);
        }

        private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body, String type,
                             boolean keepAlive, boolean head, long delayNanos) {
            ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                    .set(HttpHeaderNames.CONTENT_LENGTH, head ? body.getBytes(StandardCharsets.UTF_8).length : content.readableBytes())
                    .set("X-Version", options.version());
            if (!keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            byClass.incrementAndGet(status.code() / 100);
            long now = System.nanoTime();
            long due = Math.max(now + delayNanos, lastResponseNanos);
            lastResponseNanos = due;
            if (due <= now) {
                ctx.writeAndFlush(res);
            } else {
                ctx.executor().schedule(() -> ctx.writeAndFlush(res), due - now, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private String metrics() {
        String v = options.version().replace("\\", "\\\\").replace("\"", "\\\"");
        return String.format(Locale.ROOT, """
                # HELP demo_requests_total Requests received.
                # TYPE demo_requests_total counter
                demo_requests_total %d
                # HELP demo_errors_total Requests answered with a 5xx status.
                # TYPE demo_errors_total counter
                demo_errors_total %d
                # HELP demo_rejected_total Requests answered 503 because of max-rps.
                # TYPE demo_rejected_total counter
                demo_rejected_total %d
                # HELP demo_responses_total Responses by status class.
                # TYPE demo_responses_total counter
                demo_responses_total{class="2xx"} %d
                demo_responses_total{class="4xx"} %d
                demo_responses_total{class="5xx"} %d
                # HELP demo_info The running version.
                # TYPE demo_info gauge
                demo_info{version="%s"} 1
                """, requests.get(), errors.get(), rejected.get(), byClass.get(2), byClass.get(4), byClass.get(5), v);
    }

    /**
     * Admits at most {@code maxPerSecond} requests in any sliding one-second window (it remembers when
     * each of the last {@code maxPerSecond} admitted requests came). Bursts below the limit, which a
     * busy client, a GC pause or a stalled event loop produce, all pass; a rate above the limit gets
     * 503 for the excess. Shared by all event loops.
     */
    private static final class SlidingWindowLimit {
        private final long[] admittedNanos;
        private int oldest;

        SlidingWindowLimit(int maxPerSecond) {
            admittedNanos = new long[maxPerSecond];
            java.util.Arrays.fill(admittedNanos, Long.MIN_VALUE);
        }

        synchronized boolean tryTake() {
            long now = System.nanoTime();
            long then = admittedNanos[oldest];
            if (then != Long.MIN_VALUE && now - then < 1_000_000_000L) {
                return false;
            }
            admittedNanos[oldest] = now;
            oldest = (oldest + 1) % admittedNanos.length;
            return true;
        }
    }
}
