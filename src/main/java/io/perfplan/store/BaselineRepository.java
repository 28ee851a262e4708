package io.perfplan.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Named baselines (plain JDBC): which run a plan's gates compare with, whether a person pinned it,
 * and how many passed runs a rolling window holds. Every call is a {@link DatabaseWork} unit, safe to
 * retry while another process hands the database over.
 */
public final class BaselineRepository {

    private final DataSource ds;

    public BaselineRepository(DataSource ds) {
        this.ds = ds;
    }

    /**
     * One baseline.
     *
     * @param windowSize passed runs in the rolling window, or null when none was set
     */
    public record BaselineRow(String name, String plan, long runId, boolean pinned, Integer windowSize, Instant createdAt) {}

    public Optional<BaselineRow> find(String name) {
        return DatabaseWork.run(ds, "read baseline " + name, (c, attempt) -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM baselines WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    public List<BaselineRow> all() {
        return DatabaseWork.run(ds, "list the baselines", (c, attempt) -> {
            List<BaselineRow> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM baselines ORDER BY name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        });
    }

    /**
     * Creates the baseline or replaces what it points at (portable: update, else insert, in one
     * transaction). A retry after a commit that broke finds the row and updates it to the same values.
     */
    public void put(BaselineRow b) {
        BaselineRow stamped = b.createdAt() != null ? b
                : new BaselineRow(b.name(), b.plan(), b.runId(), b.pinned(), b.windowSize(), Instant.now());
        DatabaseWork.inTransaction(ds, "store baseline " + b.name(), (c, attempt) -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE baselines SET plan = ?, run_id = ?, pinned = ?, window_size = ?, created_at = ? WHERE name = ?")) {
                bind(ps, stamped);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO baselines (plan, run_id, pinned, window_size, created_at, name) VALUES (?, ?, ?, ?, ?, ?)")) {
                    bind(ps, stamped);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Deletes the baseline; false when there was none of that name. */
    public boolean delete(String name) {
        // seen by this try, or by an earlier one whose delete may have committed before its connection broke
        boolean[] found = {false};
        return DatabaseWork.run(ds, "delete baseline " + name, (c, attempt) -> {
            found[0] |= DatabaseWork.firstLong(c, "SELECT COUNT(*) FROM baselines WHERE name = ?", name).orElse(0L) > 0;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM baselines WHERE name = ?")) {
                ps.setString(1, name);
                found[0] |= ps.executeUpdate() > 0;
                return found[0];
            }
        });
    }

    private static void bind(PreparedStatement ps, BaselineRow b) throws SQLException {
        ps.setString(1, b.plan());
        ps.setLong(2, b.runId());
        ps.setBoolean(3, b.pinned());
        if (b.windowSize() == null) {
            ps.setNull(4, java.sql.Types.INTEGER);
        } else {
            ps.setInt(4, b.windowSize());
        }
        ps.setTimestamp(5, Timestamp.from(b.createdAt()));
        ps.setString(6, b.name());
    }

    private static BaselineRow row(ResultSet rs) throws SQLException {
        int window = rs.getInt("window_size");
        Integer windowSize = rs.wasNull() ? null : window;
        Timestamp created = rs.getTimestamp("created_at");
        return new BaselineRow(rs.getString("name"), rs.getString("plan"), rs.getLong("run_id"), rs.getBoolean("pinned"),
                windowSize, created == null ? null : created.toInstant());
    }
}
