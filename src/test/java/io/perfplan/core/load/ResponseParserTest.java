package io.perfplan.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;

class ResponseParserTest {

    record Response(int status, boolean keepAlive, String body, HttpHeaders headers) {}

    static final class Collector implements ResponseParser.Listener {
        final List<Response> responses = new ArrayList<>();
        final StringBuilder body = new StringBuilder();

        @Override
        public void onResponse(int status, boolean keepAlive, HttpHeaders headers) {
            responses.add(new Response(status, keepAlive, body.toString(), headers));
            body.setLength(0);
        }

        @Override
        public void onBody(ByteBuf content, int index, int length) {
            body.append(content.toString(index, length, StandardCharsets.ISO_8859_1));
        }
    }

    private static void feedInPieces(ResponseParser p, String wire, int pieceSize) throws Exception {
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i += pieceSize) {
            ByteBuf b = Unpooled.wrappedBuffer(bytes, i, Math.min(pieceSize, bytes.length - i));
            p.feed(b);
            assertThat(b.isReadable()).isFalse();
        }
    }

    @Test
    void readsFixedLengthAndChunkedBodiesSplitAnywhere() throws Exception {
        String wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello"
                + "HTTP/1.1 404 Not Found\r\ntransfer-encoding: Chunked\r\n\r\n3\r\nabc\r\na;ext=1\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        for (int piece : new int[] {1, 2, 7, 1000}) {
            Collector c = new Collector();
            ResponseParser p = new ResponseParser(c, true);
            p.expect(false);
            feedInPieces(p, wire, piece);
            assertThat(c.responses).extracting(Response::status).containsExactly(200, 404, 204, 201);
            assertThat(c.responses).extracting(Response::body).containsExactly("hello", "abc0123456789", "", "");
            assertThat(c.responses).extracting(Response::keepAlive).containsExactly(true, true, true, false);
            assertThat(c.responses.get(0).headers().get("x-a")).isEqualTo("1");
        }
    }

    @Test
    void headResponsesHaveNoBodyAndHttp10ClosesUnlessKeptAlive() throws Exception {
        Collector c = new Collector();
        ResponseParser p = new ResponseParser(c, false);
        p.expect(true);
        feedInPieces(p, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 3);
        p.expect(false);
        feedInPieces(p, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 100);
        p.expect(false);
        feedInPieces(p, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", 100);
        assertThat(c.responses).extracting(Response::keepAlive).containsExactly(true, false, true);
        assertThat(c.responses.get(0).headers()).isNull();
    }

    @Test
    void aBodyWithoutLengthEndsWithTheConnection() throws Exception {
        Collector c = new Collector();
        ResponseParser p = new ResponseParser(c, false);
        p.expect(false);
        feedInPieces(p, "HTTP/1.1 200 OK\r\n\r\nuntil the end", 4);
        assertThat(c.responses).isEmpty();
        assertThat(p.readsUntilClose()).isTrue();
        p.closed();
        assertThat(c.responses).singleElement().satisfies(r -> {
            assertThat(r.body()).isEqualTo("until the end");
            assertThat(r.keepAlive()).isFalse();
        });
    }

    @Test
    void rejectsWhatIsNotHttp() {
        ResponseParser p = new ResponseParser(new Collector(), false);
        p.expect(false);
        assertThatThrownBy(() -> p.feed(Unpooled.copiedBuffer("HELLO THERE\r\n\r\n", StandardCharsets.US_ASCII)))
                .isInstanceOf(ResponseParser.MalformedResponse.class);
        ResponseParser q = new ResponseParser(new Collector(), false);
        q.expect(false);
        assertThatThrownBy(() -> q.feed(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: x1\r\n\r\n", StandardCharsets.US_ASCII)))
                .hasMessageContaining("Content-Length");
    }
}
