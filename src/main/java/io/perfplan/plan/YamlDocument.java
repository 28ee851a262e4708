package io.perfplan.plan;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML file read safely into plain Java values (String, Long, Double, Boolean, null, List, Map)
 * with the position of every node. Only the YAML core schema's tags are accepted; the document's
 * size, nesting, aliases and expanded node count are bounded so hostile input fails fast.
 */
public final class YamlDocument {

    public static final int MAX_BYTES = 4 * 1024 * 1024;
    public static final int MAX_DEPTH = 64;
    public static final int MAX_ALIASES = 50;
    public static final int MAX_NODES = 200_000;
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
            if (Files.size(file) > MAX_BYTES) {
                throw fail(file, Pos.NONE, "the file is larger than " + (MAX_BYTES >> 20)
                        + " MiB; a plan is a small text file, check the path");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw fail(file, Pos.NONE, "cannot read the file (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); check the path");
        }
        return parse(file, bytes);
    }

    public static YamlDocument parse(Path file, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw fail(file, Pos.NONE, "the document is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw fail(file, Pos.NONE, "the file is not UTF-8 text (binary data?); a plan must be a YAML text file");
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw fail(file, Pos.NONE, "the file contains NUL bytes (binary data?); a plan must be a YAML text file");
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        Node node;
        try {
            node = yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (problem.contains("Nesting Depth")) {
                problem = "nesting is deeper than " + MAX_DEPTH + " levels";
            }
            throw fail(file, m == null ? Pos.NONE : pos(m), "invalid YAML: " + firstLine(problem));
        } catch (YAMLException e) {
            String msg = firstLine(String.valueOf(e.getMessage()));
            if (msg.contains("Nesting Depth")) {
                msg = "nesting is deeper than " + MAX_DEPTH + " levels";
            } else if (msg.contains("aliases")) {
                msg = "more than " + MAX_ALIASES + " aliases (a YAML bomb?)";
            } else if (msg.contains("code points")) {
                msg = "the document is too large";
            }
            throw fail(file, Pos.NONE, "invalid YAML: " + msg);
        } catch (StackOverflowError e) {
            throw fail(file, Pos.NONE, "invalid YAML: nesting is too deep");
        }
        if (node == null) {
            throw fail(file, new Pos(1, 1), "the file is empty; a plan needs at least `plan:` and `steps:`");
        }
        Map<String, Pos> positions = new HashMap<>();
        Converter converter = new Converter(file, positions);
        Object root = converter.convert(node, "", 0);
        return new YamlDocument(root, positions);
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
