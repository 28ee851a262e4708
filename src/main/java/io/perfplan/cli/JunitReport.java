package io.perfplan.cli;

import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import io.perfplan.engine.StepReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes the gates of a run as JUnit XML, so any CI shows them: one {@code testsuite} per
 * {@code validate} step, one {@code testcase} per check (a failed check is a {@code failure}, an
 * inconclusive one is {@code skipped}), and an {@code error} test case for a validate step that
 * ended without checks (an unknown metric, a cancelled run).
 */
final class JunitReport {

    private JunitReport() {}

    static void write(Path file, RunReport run) {
        List<StepReport> gates = run.steps().stream().filter(s -> s.action().equals("validate")).toList();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                XMLStreamWriter x = XMLOutputFactory.newInstance().createXMLStreamWriter(out, "UTF-8");
                x.writeStartDocument("UTF-8", "1.0");
                x.writeCharacters("\n");
                x.writeStartElement("testsuites");
                x.writeAttribute("name", "perfplan " + run.plan() + " run " + run.runId());
                int tests = 0;
                int failures = 0;
                int errors = 0;
                List<Suite> suites = new ArrayList<>();
                for (StepReport s : gates) {
                    Suite suite = suite(run, s);
                    suites.add(suite);
                    tests += suite.cases.size();
                    failures += suite.count("failure");
                    errors += suite.count("error");
                }
                x.writeAttribute("tests", String.valueOf(tests));
                x.writeAttribute("failures", String.valueOf(failures));
                x.writeAttribute("errors", String.valueOf(errors));
                x.writeAttribute("time", seconds(run.duration().toMillis()));
                for (Suite suite : suites) {
                    suite.write(x);
                }
                x.writeCharacters("\n");
                x.writeEndElement();
                x.writeEndDocument();
                x.close();
            }
        } catch (IOException | XMLStreamException e) {
            throw new UsageException("cannot write the JUnit report " + file + ": " + e.getMessage());
        }
    }

    private record Case(String name, String outcome, String message, String details) {}

    private record Suite(String name, long millis, List<Case> cases) {
        long count(String outcome) {
            return cases.stream().filter(c -> c.outcome.equals(outcome)).count();
        }

        void write(XMLStreamWriter x) throws XMLStreamException {
            x.writeCharacters("\n  ");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", name);
            x.writeAttribute("tests", String.valueOf(cases.size()));
            x.writeAttribute("failures", String.valueOf(count("failure")));
            x.writeAttribute("errors", String.valueOf(count("error")));
            x.writeAttribute("skipped", String.valueOf(count("skipped")));
            x.writeAttribute("time", seconds(millis));
            for (Case c : cases) {
                x.writeCharacters("\n    ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", name);
                x.writeAttribute("name", clean(c.name));
                x.writeAttribute("time", "0");
                if (!c.outcome.equals("passed")) {
                    x.writeStartElement(c.outcome);
                    x.writeAttribute("message", clean(c.message));
                    if (!c.outcome.equals("skipped")) {
                        x.writeAttribute("type", c.outcome.equals("error") ? "StepError" : "GateFailure");
                        x.writeCharacters(clean(c.details));
                    }
                    x.writeEndElement();
                }
                x.writeStartElement("system-out");
                x.writeCharacters(clean(c.details));
                x.writeEndElement();
                x.writeEndElement();
            }
            x.writeCharacters("\n  ");
            x.writeEndElement();
        }
    }

    private static Suite suite(RunReport run, StepReport s) {
        List<Case> cases = new ArrayList<>();
        Object checks = s.outputs().get("checks");
        if (checks instanceof List<?> list && !list.isEmpty()) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> c) {
                    String verdict = String.valueOf(c.get("verdict"));
                    String outcome = switch (verdict) {
                        case "fail" -> "failure";
                        case "inconclusive" -> "skipped";
                        default -> "passed";
                    };
                    String note = c.get("note") == null ? "" : String.valueOf(c.get("note"));
                    cases.add(new Case(String.valueOf(c.get("check")), outcome,
                            verdict.toUpperCase(Locale.ROOT) + ": " + note, details(c)));
                }
            }
        } else if (s.status() == Status.SKIPPED) {
            cases.add(new Case(s.stepId(), "skipped", "skipped: " + s.message(), ""));
        } else {
            String message = s.message() == null ? s.status().id() : s.message();
            cases.add(new Case(s.stepId(), s.status() == Status.PASSED ? "passed" : "error", message, message));
        }
        return new Suite(run.plan() + "." + s.stepId(), s.duration().toMillis(), cases);
    }

    private static String details(Map<?, ?> c) {
        StringBuilder b = new StringBuilder();
        for (String key : List.of("kind", "observed", "unit", "limit", "baseline", "change", "p_value", "verdict", "note")) {
            Object v = c.get(key);
            if (v != null && !String.valueOf(v).isEmpty()) {
                b.append(key).append(": ").append(v).append('\n');
            }
        }
        return b.toString();
    }

    /** Text without the control characters XML 1.0 cannot hold. */
    private static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            boolean allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
            b.appendCodePoint(allowed ? cp : '?');
        });
        return b.toString();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
