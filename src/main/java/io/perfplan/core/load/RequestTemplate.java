package io.perfplan.core.load;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request the load test sends: absolute {@code http}/{@code https} URL, method, headers and
 * body, and a weight when several templates are mixed (a template with weight 3 is sent three times
 * as often as one with weight 1). The request is encoded once; sending it allocates nothing.
 */
public record RequestTemplate(String name, URI url, String method, Map<String, String> headers, byte[] body,
                              int weight) {

    public RequestTemplate {
        if (url == null || url.getScheme() == null || url.getHost() == null) {
            throw new IllegalArgumentException("request url '" + url + "' is not absolute; write e.g. http://127.0.0.1:8080/api");
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("request url '" + url + "' must start with http:// or https://");
        }
        method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        if (!method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("'" + method + "' is not an HTTP method; write e.g. GET or POST");
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!h.getKey().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || h.getValue().indexOf('\r') >= 0 || h.getValue().indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header '" + h.getKey() + "' is not a valid HTTP header (a token name and a value without line breaks)");
            }
        }
        body = body == null ? new byte[0] : body.clone();
        if (weight < 1) {
            throw new IllegalArgumentException("request weight must be 1 or more, got " + weight);
        }
        if (name == null) {
            name = method + " " + url.getRawPath();
        }
    }

    /** A GET of the URL with weight 1. */
    public static RequestTemplate get(String url) {
        return new RequestTemplate(null, URI.create(url), "GET", Map.of(), null, 1);
    }

    public boolean https() {
        return url.getScheme().equalsIgnoreCase("https");
    }

    public int port() {
        return url.getPort() > 0 ? url.getPort() : https() ? 443 : 80;
    }

    /** The {@code Host} header value. */
    String hostHeader() {
        String host = url.getHost();
        boolean defaultPort = url.getPort() < 0 || url.getPort() == (https() ? 443 : 80);
        return defaultPort ? host : host + ":" + url.getPort();
    }

    /** The request as bytes on the wire (HTTP/1.1, keep-alive). */
    byte[] encode() {
        return encode(null, null);
    }

    /** The request with one more header (placed after the plan's own headers). */
    byte[] encode(String extraName, String extraValue) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        boolean host = false;
        boolean agent = false;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String key = h.getKey().toLowerCase(Locale.ROOT);
            if (key.equals("content-length")) {
                continue; // always computed from the body
            }
            host |= key.equals("host");
            agent |= key.equals("user-agent");
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (extraName != null) {
            head.append(extraName).append(": ").append(extraValue).append("\r\n");
        }
        if (!host) {
            head.append("Host: ").append(hostHeader()).append("\r\n");
        }
        if (!agent) {
            head.append("User-Agent: perfplan\r\n");
        }
        if (body.length > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }
}
