package io.perfplan.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The first of the read-only query's defences: a classifier that accepts one statement that can
 * only read ({@code SELECT}, {@code WITH … SELECT}, {@code VALUES}) and refuses, with one sentence,
 * anything that could write, lock, change settings or reach outside the database — statements
 * (DDL, DML, {@code CALL}, {@code SCRIPT}, {@code COPY}, {@code SET}, {@code EXPLAIN ANALYZE} …),
 * and functions callable inside a {@code SELECT} that touch files, other databases, sequences or
 * server processes (H2's {@code FILE_READ}, {@code CSVWRITE}, {@code LINK_SCHEMA}; PostgreSQL's
 * {@code pg_read_file}, {@code lo_import}, {@code dblink}, {@code set_config} …).
 *
 * <p>It reads the text as the databases do: string literals and comments are skipped, quoted
 * identifiers are checked like bare words (so {@code "FILE_READ"(…)} is refused too). Where the
 * two databases (or two server settings) could read a text differently it refuses: dollar-quoted
 * text, {@code E'…'} and {@code U&'…'} strings, backslashes, {@code //} and nested comments are not
 * accepted, so a string or comment always ends where the database ends it. Words are refused wherever they occur outside string
 * literals, even where they would be harmless, because a false refusal costs a rewrite and a false
 * acceptance could cost the data.
 */
public final class SqlGuard {

    /** Statements and clauses that write, lock, change the session or run other code. */
    private static final Set<String> STATEMENT_WORDS = Set.of(
            "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME",
            "GRANT", "REVOKE", "COMMENT", "CALL", "EXECUTE", "EXEC", "DO", "SCRIPT", "RUNSCRIPT", "BACKUP",
            "RESTORE", "SET", "RESET", "SHUTDOWN", "CHECKPOINT", "COPY", "LOCK", "UNLOCK", "VACUUM", "ANALYZE",
            "REINDEX", "CLUSTER", "REFRESH", "LISTEN", "NOTIFY", "UNLISTEN", "PREPARE", "DEALLOCATE", "DISCARD",
            "LOAD", "IMPORT", "INTO", "COMMIT", "ROLLBACK", "SAVEPOINT", "BEGIN", "START", "RELEASE", "EXPLAIN",
            "SHARE");

    /** Functions that read or write files, open other databases, change state or signal the server. */
    private static final Set<String> FUNCTIONS = Set.of(
            // H2
            "FILE_READ", "FILE_WRITE", "CSVREAD", "CSVWRITE", "LINK_SCHEMA", "DATABASE_PATH", "CANCEL_SESSION",
            "ABORT_SESSION", "NEXTVAL", "CURRVAL", "SETVAL", "LASTVAL", "JAVA_OBJECT", "DESERIALIZE",
            // H2's OTHER type is JAVA_OBJECT: CAST(X'ACED...' AS OTHER) deserializes a Java object in perfplan's JVM
            "OTHER",
            // PostgreSQL (pg_*, lo_* and dblink* are refused by prefix)
            "SET_CONFIG", "QUERY_TO_XML", "QUERY_TO_XMLSCHEMA", "QUERY_TO_XML_AND_XMLSCHEMA", "CURSOR_TO_XML",
            "CURSOR_TO_XMLSCHEMA", "TABLE_TO_XML", "TABLE_TO_XML_AND_XMLSCHEMA", "SCHEMA_TO_XML",
            "SCHEMA_TO_XML_AND_XMLSCHEMA", "DATABASE_TO_XML", "DATABASE_TO_XML_AND_XMLSCHEMA", "TXID_CURRENT",
            "LO_IMPORT", "LO_EXPORT", "LO_UNLINK", "LO_CREATE", "LO_PUT", "LO_FROM_BYTEA",
            // index maintenance that writes even from a SELECT
            "BRIN_SUMMARIZE_NEW_VALUES", "BRIN_SUMMARIZE_RANGE", "BRIN_DESUMMARIZE_RANGE", "GIN_CLEAN_PENDING_LIST");

    private static final List<String> FUNCTION_PREFIXES = List.of("PG_", "LO_", "DBLINK");

    private static final Set<String> FIRST_WORDS = Set.of("SELECT", "WITH", "VALUES");

    private SqlGuard() {}

    /** The reason {@code sql} is refused; thrown before anything reaches the database. */
    public static final class RefusedException extends IllegalArgumentException {
        RefusedException(String message) {
            super(message);
        }
    }

    /** Accepts {@code sql} or throws {@link RefusedException} saying what is refused and what is allowed. */
    public static void check(String sql) {
        List<Token> tokens = tokens(sql);
        if (tokens.isEmpty()) {
            throw refuse("the query is empty; write one SELECT, e.g. SELECT id, plan, status FROM runs ORDER BY id DESC");
        }
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).text.equals(";") && i < tokens.size() - 1) {
                throw refuse("the query holds more than one statement (separated by ';'); run one SELECT at a time");
            }
        }
        Token first = tokens.get(0);
        if (!first.word || !FIRST_WORDS.contains(first.upper())) {
            throw refuse("perfplan query only reads: it runs one SELECT (or WITH … SELECT, or VALUES), and '"
                    + first.text + "' is not one");
        }
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (!t.word) {
                continue;
            }
            String w = t.upper();
            if (STATEMENT_WORDS.contains(w)) {
                throw refuse("perfplan query only reads, and " + w + " could change the database or the session;"
                        + " write a plain SELECT");
            }
            if (FUNCTIONS.contains(w) || FUNCTION_PREFIXES.stream().anyMatch(w::startsWith)) {
                throw refuse("perfplan query only reads the history tables, and " + w
                        + " reaches outside them (files, other databases, sequences or the server); it is not allowed");
            }
            if (w.equals("NEXT") && i + 1 < tokens.size() && tokens.get(i + 1).word && tokens.get(i + 1).upper().equals("VALUE")) {
                throw refuse("perfplan query only reads, and NEXT VALUE FOR advances a sequence; write a plain SELECT");
            }
        }
    }

    private static RefusedException refuse(String message) {
        return new RefusedException(message);
    }

    /** A word (bare or quoted identifier) or one other character, strings and comments left out. */
    private record Token(String text, boolean word) {
        String upper() {
            return text.toUpperCase(Locale.ROOT);
        }
    }

    private static List<Token> tokens(String sql) {
        List<Token> out = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '/') {
                // H2 reads // as a comment to the end of the line, PostgreSQL as an operator
                throw refuse("the query holds '//'; write comments with -- or /* */");
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw refuse("the query has a comment opened with /* and never closed");
                }
                if (sql.substring(i + 2, end).contains("/*")) {
                    // PostgreSQL nests block comments and H2 does not: they would end the comment in different places
                    throw refuse("the query has a comment inside a comment; remove the inner /*");
                }
                i = end + 2;
            } else if (c == '\'') {
                int end = skipQuoted(sql, i, '\'', "a string opened with ' is never closed");
                if (sql.substring(i, end).indexOf('\\') >= 0) {
                    // a server with standard_conforming_strings off reads a backslash as an escape, and the string ends elsewhere
                    throw refuse("the query holds a backslash in a string; leave it out (databases differ on what it means)");
                }
                i = end;
            } else if (c == '"') {
                int end = skipQuoted(sql, i, '"', "an identifier opened with \" is never closed");
                String name = sql.substring(i + 1, end - 1).replace("\"\"", "\"");
                out.add(new Token(name.trim(), true));
                i = end;
            } else if (c == '$') {
                throw refuse("the query holds '$' (dollar-quoted text or a parameter); write strings in single quotes");
            } else if (c == '\\') {
                throw refuse("the query holds a backslash outside a string; remove it");
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                String word = sql.substring(start, i);
                if (i < n && sql.charAt(i) == '\'' && word.equalsIgnoreCase("E")) {
                    throw refuse("backslash-escape strings (E'…') are not accepted; write plain '…' strings");
                }
                if (i < n && sql.charAt(i) == '&' && word.equalsIgnoreCase("U")) {
                    throw refuse("Unicode-escape strings and identifiers (U&'…') are not accepted; write the characters themselves");
                }
                out.add(new Token(word, true));
            } else if (Character.isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                out.add(new Token("0", false));
            } else {
                out.add(new Token(String.valueOf(c), false));
                i++;
            }
        }
        return out;
    }

    /** The index after the closing quote; a doubled quote inside stands for one. */
    private static int skipQuoted(String sql, int start, char quote, String unclosed) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw refuse("the query is cut short: " + unclosed);
    }
}
