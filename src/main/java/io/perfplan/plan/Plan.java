package io.perfplan.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded plan: immutable, every value as written (templates are rendered by the engine at run
 * time), and the line and column of every node in {@link #positions()}.
 */
public record Plan(
        String name,
        String description,
        Map<String, Param> params,
        Map<String, Object> vars,
        Map<String, Object> env,
        List<String> secrets,
        List<String> scripts,
        Optional<Schedule> schedule,
        Optional<Duration> timeout,
        Optional<Duration> retention,
        List<StepNode> steps,
        List<StepNode> finallySteps,
        Path file,
        Positions positions) {

    /** A declared input of the plan, set with {@code -p name=value}. */
    public record Param(String name, ParamType type, Object defaultValue, boolean required, String description) {}

    public enum ParamType {
        STRING, INT, NUMBER, BOOLEAN;

        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** When {@code perfplan serve} fires the plan. */
    public record Schedule(String cron, String timezone, String overlap, String misfire) {}

    /** The folder relative paths (scripts, commands' cwd) resolve against; see {@link #projectDirOf}. */
    public Path projectDir() {
        return file == null ? Path.of("").toAbsolutePath() : projectDirOf(file);
    }

    /** The project folder of a plan file: the parent of {@code plans/} when the plan lives there, else the plan's folder. */
    public static Path projectDirOf(Path planFile) {
        Path dir = planFile.toAbsolutePath().normalize().getParent();
        if (dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("plans") && dir.getParent() != null) {
            return dir.getParent();
        }
        return dir;
    }

    /** Every step of the plan, parallel groups flattened, main steps first then {@code finally}. */
    public List<Step> allSteps() {
        List<Step> out = new java.util.ArrayList<>();
        for (StepNode n : steps) {
            out.addAll(n.steps());
        }
        for (StepNode n : finallySteps) {
            out.addAll(n.steps());
        }
        return out;
    }
}
