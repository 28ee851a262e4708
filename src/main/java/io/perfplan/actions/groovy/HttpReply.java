package io.perfplan.actions.groovy;

import java.util.List;
import java.util.Map;

/**
 * The answer to a script's HTTP request.
 *
 * @param status        the HTTP status code
 * @param body          the body decoded as UTF-8
 * @param headers       response headers, names in lower case
 * @param latencyMillis from sending the request to the end of the body, in milliseconds
 */
public record HttpReply(int status, String body, Map<String, List<String>> headers, double latencyMillis) {

    /** True for a 2xx status. */
    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The body parsed as JSON (maps, lists, strings, numbers, booleans). */
    public Object json() {
        return ScriptJson.parse(body);
    }
}
