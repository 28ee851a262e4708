package io.perfplan.script;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.Phases;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Groovy's parser blames a syntax error inside a command-call closure ({@code action { ... }},
 * {@code execute { ... }}) on the closure's opening brace. This finds the real place: it parses the
 * closure's body alone, with everything around it blanked so lines and columns stay the same, and
 * repeats for nested closures.
 */
final class SyntaxErrorLocator {

    /** A syntax error's place and message. */
    record Located(int line, int column, String message) {}

    private static final Pattern PARAMS = Pattern.compile("\\s*[\\w\\s,<>\\[\\]?.]*->");
    private static final int MAX_DEPTH = 12;

    private SyntaxErrorLocator() {}

    static Located refine(String source, Located first) {
        Located best = first;
        for (int depth = 0; depth < MAX_DEPTH && best.message().startsWith("Unexpected input: '{'"); depth++) {
            int open = offset(source, best.line(), best.column());
            if (open < 0 || source.charAt(open) != '{') {
                return best;
            }
            int close = matching(source, open);
            if (close < 0) {
                return best;
            }
            Located inner = parse(body(source, open, close));
            if (inner == null || (inner.line() == best.line() && inner.column() == best.column())) {
                return best;
            }
            best = inner;
        }
        return best;
    }

    /** The text between the braces, everything else blanked (newlines kept), closure parameters too. */
    private static String body(String source, int open, int close) {
        char[] out = source.toCharArray();
        for (int i = 0; i < out.length; i++) {
            if ((i <= open || i >= close) && out[i] != '\n') {
                out[i] = ' ';
            }
        }
        Matcher m = PARAMS.matcher(source).region(open + 1, close);
        if (m.lookingAt()) {
            for (int i = m.start(); i < m.end(); i++) {
                if (out[i] != '\n') {
                    out[i] = ' ';
                }
            }
        }
        return new String(out);
    }

    private static Located parse(String text) {
        CompilationUnit unit = new CompilationUnit(new CompilerConfiguration());
        unit.addSource("body.groovy", text);
        try {
            unit.compile(Phases.CONVERSION);
            return null;
        } catch (MultipleCompilationErrorsException e) {
            List<? extends Message> errors = e.getErrorCollector().getErrors();
            if (errors != null && !errors.isEmpty() && errors.get(0) instanceof SyntaxErrorMessage s) {
                SyntaxException x = s.getCause();
                return new Located(x.getLine(), x.getStartColumn(), x.getOriginalMessage());
            }
            return null;
        }
    }

    private static int offset(String source, int line, int column) {
        int at = 0;
        for (int l = 1; l < line; l++) {
            at = source.indexOf('\n', at);
            if (at < 0) {
                return -1;
            }
            at++;
        }
        int i = at + column - 1;
        return i < source.length() ? i : -1;
    }

    /** The brace closing the one at {@code open}, skipping strings and comments; -1 when unbalanced. */
    private static int matching(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                i = lineEnd(s, i);
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 1;
            } else if (c == '\'' || c == '"') {
                i = stringEnd(s, i, c);
                if (i < 0) {
                    return -1;
                }
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int lineEnd(String s, int i) {
        int nl = s.indexOf('\n', i);
        return nl < 0 ? s.length() : nl;
    }

    private static int stringEnd(String s, int start, char quote) {
        String triple = String.valueOf(quote).repeat(3);
        boolean isTriple = s.startsWith(triple, start);
        int i = start + (isTriple ? 3 : 1);
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (isTriple ? s.startsWith(triple, i) : c == quote) {
                return isTriple ? i + 2 : i;
            }
            if (!isTriple && c == '\n') {
                return -1;
            }
            i++;
        }
        return -1;
    }
}
