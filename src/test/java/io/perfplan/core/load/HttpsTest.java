package io.perfplan.core.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/** HTTPS against a real TLS server whose self-signed certificate keytool makes for the test. */
@Timeout(30)
class HttpsTest {

    @Test
    void loadsAnHttpsTargetWhenToldToTrustItsCertificate(@TempDir Path dir) throws Exception {
        SslContext serverTls = selfSigned(dir);
        EventLoopGroup group = Transport.best().newGroup(1, "tls-server");
        try {
            Channel server = new ServerBootstrap().group(group).channel(Transport.best().serverChannel())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(serverTls.newHandler(ch.alloc()), new HttpServerCodec(), new HttpObjectAggregator(1024),
                                    new SimpleChannelInboundHandler<FullHttpRequest>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                    Unpooled.copiedBuffer("secure", StandardCharsets.US_ASCII));
                                            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 6);
                                            ctx.writeAndFlush(res);
                                        }

                                        @Override
                                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                            ctx.close(); // the untrusted case: the client rejects the certificate
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            String url = "https://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort() + "/";
            LoadTest test = LoadTest.of(new LoadModel.Closed(4, Duration.ZERO, Duration.ofSeconds(10)), RequestTemplate.get(url))
                    .withMaxRequests(200).withChecks(List.of(new ResponseCheck.BodyContains("secure")));

            LoadResult trusted = LoadRunner.run(test.withInsecureTls(true), LoadTest.Hooks.NONE);
            assertThat(trusted.total().requests()).isEqualTo(200);
            assertThat(trusted.total().errors()).isZero();

            LoadResult untrusted = LoadRunner.run(test.withMaxRequests(8), LoadTest.Hooks.NONE);
            assertThat(untrusted.total().errors(ErrorKind.TLS)).isEqualTo(8);
            assertThat(untrusted.diagnosis(url).orElseThrow()).contains("insecure: true");
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static SslContext selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        return SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
    }
}
