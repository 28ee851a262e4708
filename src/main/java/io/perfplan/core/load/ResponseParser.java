package io.perfplan.core.load;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * An incremental HTTP/1.1 response parser for the load engine's hot path: it reads status line,
 * framing headers ({@code Content-Length}, {@code Transfer-Encoding: chunked}, {@code Connection})
 * and the body straight from the socket's buffers, without allocating per response unless header
 * or body checks need the headers or the body. Handles fixed-length, chunked and read-until-close
 * bodies, interim 1xx responses, and bodiless responses (HEAD, 204, 304). One instance per
 * connection, used on its event loop only.
 */
final class ResponseParser {

    /** What the parser tells its connection. */
    interface Listener {
        /** A complete response; {@code headers} is null unless collected; the body went to {@link #onBody}. */
        void onResponse(int status, boolean keepAlive, HttpHeaders headers);

        void onBody(ByteBuf content, int index, int length);
    }

    /** The response is not HTTP/1.x as this parser reads it. */
    static final class MalformedResponse extends Exception {
        MalformedResponse(String message) {
            super(message, null, false, false);
        }
    }

    private enum State { STATUS, HEADERS, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE }

    private static final int MAX_LINE = 64 * 1024;
    /** Headers are collected as received, for checks only: no validation. */
    private static final DefaultHttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory()
            .withNameValidation(false).withValueValidation(false);
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes();
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes();
    private static final byte[] CONNECTION = "connection".getBytes();

    private final Listener listener;
    private final boolean collectHeaders;
    private byte[] line = new byte[256];
    private int lineLength;
    private State state = State.STATUS;
    private int status;
    private boolean http11;
    private boolean close;
    private boolean keepAliveHeader;
    private boolean chunked;
    private long contentLength;
    private long remaining;
    private boolean headRequest;
    private HttpHeaders headers;

    ResponseParser(Listener listener, boolean collectHeaders) {
        this.listener = listener;
        this.collectHeaders = collectHeaders;
    }

    /** Starts a new request's response; a HEAD response has no body whatever its headers say. */
    void expect(boolean head) {
        headRequest = head;
        state = State.STATUS;
        lineLength = 0;
    }

    /** True when the response in progress ends when the connection closes. */
    boolean readsUntilClose() {
        return state == State.UNTIL_CLOSE;
    }

    /** Ends a read-until-close body when the connection closes. */
    void closed() {
        if (state == State.UNTIL_CLOSE) {
            state = State.STATUS;
            listener.onResponse(status, false, headers);
        }
    }

    /** Consumes what the buffer holds (it is not released here). */
    void feed(ByteBuf in) throws MalformedResponse {
        while (in.isReadable()) {
            switch (state) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    if (!readLine(in)) {
                        return;
                    }
                    onLine();
                }
                case FIXED, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    listener.onBody(in, in.readerIndex(), n);
                    in.skipBytes(n);
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == State.FIXED) {
                            finish();
                        } else {
                            state = State.CHUNK_END;
                        }
                    }
                }
                case UNTIL_CLOSE -> {
                    int n = in.readableBytes();
                    listener.onBody(in, in.readerIndex(), n);
                    in.skipBytes(n);
                }
            }
        }
    }

    /** Appends up to the next LF to {@link #line}; true when a whole line (without CRLF) is there. */
    private boolean readLine(ByteBuf in) throws MalformedResponse {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        int end = lf < 0 ? in.writerIndex() : lf;
        int n = end - in.readerIndex();
        if (lineLength + n > MAX_LINE) {
            throw new MalformedResponse("a response line is longer than " + MAX_LINE + " bytes");
        }
        if (lineLength + n > line.length) {
            byte[] bigger = new byte[Math.max(line.length * 2, lineLength + n)];
            System.arraycopy(line, 0, bigger, 0, lineLength);
            line = bigger;
        }
        in.getBytes(in.readerIndex(), line, lineLength, n);
        lineLength += n;
        if (lf < 0) {
            in.readerIndex(end);
            return false;
        }
        in.readerIndex(lf + 1);
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
            lineLength--;
        }
        return true;
    }

    private void onLine() throws MalformedResponse {
        int len = lineLength;
        lineLength = 0;
        switch (state) {
            case STATUS -> {
                if (len == 0) {
                    return; // tolerate stray CRLF between responses
                }
                // HTTP/1.1 200 OK
                if (len < 12 || line[0] != 'H' || line[1] != 'T' || line[2] != 'T' || line[3] != 'P' || line[4] != '/'
                        || line[5] != '1' || line[6] != '.' || line[8] != ' ' || !digit(line[9]) || !digit(line[10]) || !digit(line[11])) {
                    throw new MalformedResponse("not an HTTP/1.x status line");
                }
                http11 = line[7] == '1';
                status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
                close = false;
                keepAliveHeader = false;
                chunked = false;
                contentLength = -1;
                headers = collectHeaders ? HEADERS.newHeaders() : null;
                state = State.HEADERS;
            }
            case HEADERS -> {
                if (len == 0) {
                    endOfHeaders();
                } else {
                    header(len);
                }
            }
            case CHUNK_SIZE -> {
                long size = 0;
                int i = 0;
                for (; i < len; i++) {
                    int d = Character.digit(line[i], 16);
                    if (d < 0) {
                        break;
                    }
                    size = size * 16 + d;
                    if (size > Integer.MAX_VALUE) {
                        throw new MalformedResponse("chunk too large");
                    }
                }
                if (i == 0) {
                    throw new MalformedResponse("bad chunk size");
                }
                if (size == 0) {
                    state = State.TRAILERS;
                } else {
                    remaining = size;
                    state = State.CHUNK_DATA;
                }
            }
            case CHUNK_END -> {
                if (len != 0) {
                    throw new MalformedResponse("chunk not followed by CRLF");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (len == 0) {
                    finish();
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void header(int len) throws MalformedResponse {
        int colon = -1;
        for (int i = 0; i < len; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            throw new MalformedResponse("header line without a name");
        }
        int vs = colon + 1;
        while (vs < len && (line[vs] == ' ' || line[vs] == '\t')) {
            vs++;
        }
        int ve = len;
        while (ve > vs && (line[ve - 1] == ' ' || line[ve - 1] == '\t')) {
            ve--;
        }
        if (nameIs(CONTENT_LENGTH, colon)) {
            long v = 0;
            if (vs == ve) {
                throw new MalformedResponse("empty Content-Length");
            }
            for (int i = vs; i < ve; i++) {
                if (!digit(line[i]) || v > Long.MAX_VALUE / 10 - 10) {
                    throw new MalformedResponse("bad Content-Length");
                }
                v = v * 10 + (line[i] - '0');
            }
            contentLength = v;
        } else if (nameIs(TRANSFER_ENCODING, colon)) {
            chunked = containsIgnoreCase(vs, ve, "chunked");
        } else if (nameIs(CONNECTION, colon)) {
            close |= containsIgnoreCase(vs, ve, "close");
            keepAliveHeader |= containsIgnoreCase(vs, ve, "keep-alive");
        }
        if (headers != null) {
            headers.add(new String(line, 0, colon, java.nio.charset.StandardCharsets.ISO_8859_1),
                    new String(line, vs, ve - vs, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    private void endOfHeaders() {
        if (status >= 100 && status < 200) {
            state = State.STATUS; // interim response: the real one follows
            return;
        }
        if (headRequest || status == 204 || status == 304) {
            finish();
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            if (contentLength == 0) {
                finish();
            } else {
                remaining = contentLength;
                state = State.FIXED;
            }
        } else {
            state = State.UNTIL_CLOSE;
        }
    }

    private void finish() {
        state = State.STATUS;
        boolean keepAlive = http11 ? !close : keepAliveHeader && !close;
        HttpHeaders h = headers;
        headers = null;
        listener.onResponse(status, keepAlive, h);
    }

    private boolean nameIs(byte[] lowerName, int nameLength) {
        if (nameLength != lowerName.length) {
            return false;
        }
        for (int i = 0; i < nameLength; i++) {
            int c = line[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerName[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean containsIgnoreCase(int from, int to, String lowerWord) {
        int n = lowerWord.length();
        outer:
        for (int i = from; i + n <= to; i++) {
            for (int j = 0; j < n; j++) {
                int c = line[i + j];
                if (c >= 'A' && c <= 'Z') {
                    c += 32;
                }
                if (c != lowerWord.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }
}
