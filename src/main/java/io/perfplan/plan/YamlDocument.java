package io.perfplan.plan;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML file read safely into plain Java values (String, Long, Double, Boolean, null, List, Map)
 * with the position of every node. Only the YAML core schema's tags are accepted; duplicate keys are
 * refused; the document's size, line length, value length, nesting, aliases and expanded node count
 * are bounded so hostile input fails fast, each failure at a line and column where there is text.
 */
public final class YamlDocument {

    public static final int MAX_BYTES = 1024 * 1024;
    public static final int MAX_DEPTH = 64;
    public static final int MAX_ALIASES = 50;
    public static final int MAX_NODES = 50_000;
    /** Longest line, in characters. */
    public static final int MAX_LINE_CHARS = 64 * 1024;
    /** Longest single value (a scalar, possibly over several lines), in characters. */
    public static final int MAX_SCALAR_CHARS = 256 * 1024;
    private static final Set<Tag> ALLOWED_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL,
            Tag.SEQ, Tag.MAP, Tag.TIMESTAMP, Tag.MERGE);

    private final Object root;
    private final Map<String, Pos> positions;

    private YamlDocument(Object root, Map<String, Pos> positions) {
        this.root = root;
        this.positions = positions;
    }

    public Object root() {
        return root;
    }

    public Map<String, Pos> positions() {
        return positions;
    }

    /** Reads a file; every failure is a {@link PlanException} naming the file, line and column. */
    public static YamlDocument read(Path file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw fail(file, Pos.NONE, "is a directory; give the path of a plan file, such as "
                        + file.resolve("plan.yaml"));
            }
            if (Files.size(file) > MAX_BYTES) {
                throw fail(file, new Pos(1, 1), "the file is larger than " + (MAX_BYTES >> 20)
                        + " MiB; a plan is a small text file, check the path");
            }
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw fail(file, Pos.NONE, "cannot read the file (no such file); check the path");
        } catch (java.nio.file.AccessDeniedException e) {
            throw fail(file, Pos.NONE, "cannot read the file (permission denied); check its permissions");
        } catch (IOException e) {
            throw fail(file, Pos.NONE, "cannot read the file (" + e.getMessage() + "); check the path");
        }
        return parse(file, bytes);
    }

    public static YamlDocument parse(Path file, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw fail(file, new Pos(1, 1), "the document is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        String text = decode(file, bytes);
        checkLines(file, text);
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        Node node;
        try {
            Parser events = new CountingParser(file, new ParserImpl(new StreamReader(new StringReader(text)), options));
            node = new Composer(events, new Resolver(), options).getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (problem.contains("Nesting Depth")) {
                throw fail(file, m == null ? deepest(text) : pos(m), "invalid YAML: nesting is deeper than " + MAX_DEPTH + " levels");
            }
            if (problem.startsWith("Global tag is not allowed: ")) {
                String tag = problem.substring("Global tag is not allowed: ".length()).replace(Tag.PREFIX, "!!");
                throw fail(file, m == null ? new Pos(1, 1) : pos(m), "the tag " + tag
                        + " is not allowed; plans use plain YAML values only (remove the tag)");
            }
            throw fail(file, m == null ? new Pos(1, 1) : pos(m), "invalid YAML: " + firstLine(problem));
        } catch (ReaderException e) {
            // a character YAML forbids, such as a control character; the position counts code points
            int index = text.offsetByCodePoints(0, Math.min(e.getPosition(), text.codePointCount(0, text.length())));
            throw fail(file, positionAt(text, index), "invalid YAML: " + firstLine(String.valueOf(e.getMessage()))
                    + "; remove the character or quote it as an escape in a double-quoted string");
        } catch (YAMLException e) {
            String msg = firstLine(String.valueOf(e.getMessage()));
            if (msg.contains("Nesting Depth")) {
                throw fail(file, deepest(text), "invalid YAML: nesting is deeper than " + MAX_DEPTH
                        + " levels; a plan needs only a few");
            } else if (msg.contains("aliases")) {
                throw fail(file, tooManyAliases(text), "invalid YAML: more than " + MAX_ALIASES
                        + " aliases to lists or mappings (a YAML bomb?); write the values out");
            } else if (msg.contains("code points")) {
                msg = "the document is too large";
            }
            throw fail(file, new Pos(1, 1), "invalid YAML: " + msg);
        } catch (StackOverflowError e) {
            throw fail(file, new Pos(1, 1), "invalid YAML: nesting is too deep");
        }
        if (node == null) {
            throw fail(file, new Pos(1, 1), "the file is empty; a plan needs at least `plan:` and `steps:`");
        }
        Map<String, Pos> positions = new HashMap<>();
        Converter converter = new Converter(file, positions);
        Object root = converter.convert(node, "", 0);
        return new YamlDocument(root, positions);
    }

    /** The text of UTF-8 bytes (a byte order mark is allowed); malformed bytes and NUL fail at their position. */
    private static String decode(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            String before = new String(bytes, 0, in.position(), StandardCharsets.UTF_8);
            throw fail(file, positionAt(before, before.length()), "the file is not UTF-8 text (binary data?) from here on;"
                    + " a plan must be a YAML text file saved as UTF-8");
        }
        decoder.flush(out);
        String text = out.flip().toString();
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw fail(file, positionAt(text, nul), "the file contains a NUL byte (binary data?); a plan must be a YAML text file");
        }
        return text;
    }

    /**
     * Refuses lines longer than {@value #MAX_LINE_CHARS} characters: no plan needs them, and the YAML
     * scanner's time grows with the square of a token's length, so one huge line would stall it.
     */
    private static void checkLines(Path file, String text) {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i - start > MAX_LINE_CHARS) {
                    throw fail(file, new Pos(line, MAX_LINE_CHARS + 1), "line " + line + " is " + (i - start)
                            + " characters long; the limit is " + MAX_LINE_CHARS + " (put large data in a file the plan refers to)");
                }
                line++;
                start = i + 1;
            }
        }
    }

    /** Line and column (from 1) of the character at {@code index}. */
    private static Pos positionAt(String text, int index) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < index && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Pos(line, index - lineStart + 1);
    }

    /** Where the nesting first goes deeper than the limit; the event parser keeps a stack, not recursion. */
    private static Pos deepest(String text) {
        int depth = 0;
        try {
            for (Event e : new Yaml().parse(new StringReader(text))) {
                if (e instanceof CollectionStartEvent) {
                    if (++depth > MAX_DEPTH) {
                        return pos(e.getStartMark());
                    }
                } else if (e instanceof CollectionEndEvent) {
                    depth--;
                }
            }
        } catch (YAMLException e) {
            // the position is a courtesy; the refusal stands without it
        }
        return new Pos(1, 1);
    }

    /** Where the alias that passes the limit is: counted as SnakeYAML counts, aliases of lists and mappings. */
    private static Pos tooManyAliases(String text) {
        Set<String> collections = new HashSet<>();
        int aliases = 0;
        try {
            for (Event e : new Yaml().parse(new StringReader(text))) {
                if (e instanceof CollectionStartEvent c && c.getAnchor() != null) {
                    collections.add(c.getAnchor());
                } else if (e instanceof AliasEvent a && collections.contains(a.getAnchor()) && ++aliases > MAX_ALIASES) {
                    return pos(e.getStartMark());
                }
            }
        } catch (YAMLException e) {
            // as above
        }
        return new Pos(1, 1);
    }

    /**
     * Stops the parser after {@value #MAX_NODES} values, before the composer builds a node graph of a
     * flood of tiny values ({@code [0,0,0,...]}); aliases are counted again, expanded, by the converter.
     */
    private static final class CountingParser implements Parser {
        private final Path file;
        private final Parser parser;
        private int values;

        CountingParser(Path file, Parser parser) {
            this.file = file;
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return parser.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public Event getEvent() {
            Event e = parser.getEvent();
            if ((e instanceof NodeEvent) && ++values > MAX_NODES) {
                throw fail(file, pos(e.getStartMark()), "the document has more than " + MAX_NODES
                        + " values (a YAML bomb?); a plan is a small file");
            }
            return e;
        }
    }

    private static final class Converter {
        private final Path file;
        private final Map<String, Pos> positions;
        private int nodes;

        Converter(Path file, Map<String, Pos> positions) {
            this.file = file;
            this.positions = positions;
        }

        Object convert(Node node, String path, int depth) {
            if (++nodes > MAX_NODES) {
                throw fail(file, pos(node.getStartMark()), "the document expands to more than " + MAX_NODES
                        + " nodes (a YAML bomb?)");
            }
            if (depth > MAX_DEPTH) {
                throw fail(file, pos(node.getStartMark()), "nesting is deeper than " + MAX_DEPTH + " levels");
            }
            Tag tag = node.getTag();
            if (!ALLOWED_TAGS.contains(tag)) {
                throw fail(file, pos(node.getStartMark()), "the tag " + tag.getValue()
                        + " is not allowed; plans use plain YAML values only (remove the tag)");
            }
            positions.putIfAbsent(path, pos(node.getStartMark()));
            if (node instanceof ScalarNode s) {
                if (s.getValue().length() > MAX_SCALAR_CHARS) {
                    throw fail(file, pos(node.getStartMark()), "this value is " + s.getValue().length()
                            + " characters long; the limit is " + MAX_SCALAR_CHARS + " (put large data in a file the plan refers to)");
                }
                return scalar(s);
            }
            if (node instanceof SequenceNode seq) {
                List<Object> list = new ArrayList<>();
                int i = 0;
                for (Node item : seq.getValue()) {
                    list.add(convert(item, path + "[" + i++ + "]", depth + 1));
                }
                return list;
            }
            MappingNode map = (MappingNode) node;
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                Node k = t.getKeyNode();
                if (!(k instanceof ScalarNode ks)) {
                    throw fail(file, pos(k.getStartMark()), "a key must be a plain name, not a list or mapping");
                }
                if (k.getTag() == Tag.MERGE) {
                    throw fail(file, pos(k.getStartMark()), "merge keys (<<) are not supported in plans; write the keys out");
                }
                String key = ks.getValue();
                String childPath = path.isEmpty() ? key : path + "." + key;
                if (out.containsKey(key)) {
                    Pos first = positions.get(childPath + "#key");
                    throw fail(file, pos(k.getStartMark()), "the key '" + key + "' appears twice in this mapping"
                            + (first == null ? "" : " (first at line " + first.line() + ")") + "; keep one of them");
                }
                positions.put(childPath + "#key", pos(k.getStartMark()));
                out.put(key, convert(t.getValueNode(), childPath, depth + 1));
            }
            return out;
        }

        private static Object scalar(ScalarNode s) {
            String v = s.getValue();
            Tag tag = s.getTag();
            if (tag == Tag.NULL) {
                return null;
            }
            if (tag == Tag.BOOL) {
                return Boolean.valueOf(v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("on"));
            }
            if (tag == Tag.INT) {
                try {
                    return Long.decode(v.replace("_", ""));
                } catch (NumberFormatException e) {
                    return v;
                }
            }
            if (tag == Tag.FLOAT) {
                try {
                    return Double.valueOf(v.replace("_", ""));
                } catch (NumberFormatException e) {
                    return v;
                }
            }
            return v;
        }
    }

    static Pos pos(Mark m) {
        return new Pos(m.getLine() + 1, m.getColumn() + 1);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static PlanException fail(Path file, Pos pos, String message) {
        return new PlanException(List.of(new Problem(file, pos, message)));
    }
}
