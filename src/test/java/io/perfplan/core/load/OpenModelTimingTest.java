package io.perfplan.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.perfplan.demo.DemoService;

/** Timing shape of the open model: ramps follow the stages, and a stall shows up in full in the latencies. */
@Timeout(30)
class OpenModelTimingTest {

    @Test
    void stagesRampTheAchievedRate() throws Exception {
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0).withThreads(1))) {
            LoadModel.Open ramp = new LoadModel.Open(0, List.of(new RateStage(Duration.ofSeconds(2), 1000),
                    new RateStage(Duration.ofSeconds(1), 1000)), false, 0, 64);
            LoadResult r = LoadRunner.run(LoadTest.of(ramp, RequestTemplate.get(demo.baseUrl() + "/api")), LoadTest.Hooks.NONE);
            assertThat(r.total().requests()).isEqualTo(2000);
            assertThat(r.total().errors()).isZero();
            assertThat(r.seconds()).hasSizeGreaterThanOrEqualTo(3);
            // ∫ rate per second: 250, 750, 1000 (wide margins: ticks land late on a busy machine)
            assertThat((double) r.seconds().get(0).requests()).isCloseTo(250, withPercentage(25));
            assertThat((double) r.seconds().get(1).requests()).isCloseTo(750, withPercentage(15));
            assertThat((double) r.seconds().get(2).requests()).isCloseTo(1000, withPercentage(15));
        }
    }

    /**
     * A server that stops answering for S seconds during a constant-rate test: a request arriving x
     * seconds into the stall waits S − x, so the top fraction q of all R·D latencies lies above
     * S − q·D. A tool that waits for the server before sending (coordinated omission) would record
     * one slow request instead of R·S of them.
     */
    @Test
    void aStallShowsUpInTheHighPercentilesAsTheAnalyticValues() throws Exception {
        double rate = 200;
        double durationS = 6;
        double stallS = 1.5;
        try (StallingServer server = new StallingServer(2_000_000_000L, (long) (stallS * 1e9))) {
            LoadTest test = LoadTest.of(LoadModel.Open.constant(rate, Duration.ofSeconds((long) durationS), 1000),
                    RequestTemplate.get(server.url())).withTimeout(Duration.ofSeconds(5));
            LoadResult r = LoadRunner.run(test, LoadTest.Hooks.NONE);

            assertThat(r.total().requests()).isEqualTo((long) (rate * durationS));
            assertThat(r.total().errors()).isZero();
            assertThat(r.total().dropped()).isZero();
            Histogram latency = r.total().latencyMicros();
            double p99 = latency.getValueAtPercentile(99) / 1e6;
            double p90 = latency.getValueAtPercentile(90) / 1e6;
            String observed = "p90=" + p90 + "s p99=" + p99 + "s";
            assertThat(p99).as(observed).isCloseTo(stallS - 0.01 * durationS, withPercentage(10));
            assertThat(p90).as(observed).isCloseTo(stallS - 0.10 * durationS, withPercentage(10));
            // every stalled request had a connection of its own, so it was sent on time
            assertThat(r.total().sendLagMicros().getValueAtPercentile(90)).isLessThan(50_000);
        }
    }

    /** Answers at once, except that requests arriving in [first + stallAfter, first + stallAfter + stall) are held until the stall ends. */
    static final class StallingServer implements AutoCloseable {
        private final EventLoopGroup group = Transport.best().newGroup(1, "stalling-server");
        private final Channel channel;
        private final AtomicLong first = new AtomicLong();

        StallingServer(long stallAfterNanos, long stallNanos) throws InterruptedException {
            channel = new ServerBootstrap().group(group).channel(Transport.best().serverChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1024),
                                    new SimpleChannelInboundHandler<FullHttpRequest>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                            long now = System.nanoTime();
                                            first.compareAndSet(0, now);
                                            long stallStart = first.get() + stallAfterNanos;
                                            long stallEnd = stallStart + stallNanos;
                                            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                    Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
                                            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
                                            if (now >= stallStart && now < stallEnd) {
                                                ctx.executor().schedule(() -> ctx.writeAndFlush(res), stallEnd - now, TimeUnit.NANOSECONDS);
                                            } else {
                                                ctx.writeAndFlush(res);
                                            }
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
        }

        String url() {
            return "http://127.0.0.1:" + ((java.net.InetSocketAddress) channel.localAddress()).getPort() + "/";
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
