package tt.backend.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import tt.api.EnvVm;
import tt.api.VmState;
import tt.api.VmState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** The backend's rows: hosts of the pool, ENVs and their VMs. */
public final class PoolStore {

    /**
     * An ENV row; {@code leaseSeconds} and {@code leaseExpiresAt} are null without a lease;
     * {@code sshKeys} are the fingerprints of the keys it was made with.
     */
    public record Env(String id, String name, String owner, Instant createdAt, Instant expiresAt, Integer leaseSeconds,
                      Instant leaseExpiresAt, Map<String, String> tags, List<String> sshKeys) {
    }

    /** A VM row; {@code hostVmId} is null until the host has accepted the VM. */
    public record Vm(String envId, String name, String image, String hostId, String hostVmId, int cpu, int memMib,
                     int diskMib, VmState state, String address, Map<Integer, Integer> ports, String error) {

        public EnvVm view() {
            return new EnvVm(name, image, hostId, hostVmId, state, address, ports, error);
        }
    }

    /**
     * A host row: reached over HTTPS pinned to {@code fingerprint} (null until the host is joined), or
     * over plain HTTP.
     */
    public record Host(String id, String address, int port, boolean plainHttp, String fingerprint) {
        public Host joined(String hostFingerprint) {
            return new Host(id, address, port, plainHttp, hostFingerprint);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Database db;
    private final SqlStatements statements;

    public PoolStore(Database db) {
        this.db = db;
        this.statements = new SqlStatements(db);
    }

    /** This database's own id, made on first use: its ENV service tags its VMs with it. */
    public synchronized String instanceId() {
        List<String> ids = query("SELECT id FROM instance", ps -> { }, rs -> rs.getString(1));
        if (!ids.isEmpty()) {
            return ids.get(0);
        }
        String id = "tt-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        update("INSERT INTO instance (id) VALUES (?)", ps -> ps.setString(1, id));
        return id;
    }

    public List<Host> hosts() {
        return query("SELECT id, address, port, scheme, fingerprint FROM hosts ORDER BY id", ps -> { },
                rs -> new Host(rs.getString(1), rs.getString(2), rs.getInt(3), "http".equals(rs.getString(4)),
                        rs.getString(5)));
    }

    public boolean addHost(Host h) {
        if (hosts().stream().anyMatch(x -> x.id().equals(h.id()))) {
            return false;
        }
        update("INSERT INTO hosts (id, address, port, added_at, scheme, fingerprint) VALUES (?, ?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, h.id());
            ps.setString(2, h.address());
            ps.setInt(3, h.port());
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            ps.setString(5, h.plainHttp() ? "http" : "https");
            ps.setString(6, h.fingerprint());
        });
        return true;
    }

    /** Records the certificate a host presented when it was joined. */
    public void setHostFingerprint(String id, String fingerprint) {
        update("UPDATE hosts SET fingerprint = ? WHERE id = ?", ps -> {
            ps.setString(1, fingerprint);
            ps.setString(2, id);
        });
    }

    public void deleteHost(String id) {
        update("DELETE FROM hosts WHERE id = ?", ps -> ps.setString(1, id));
    }

    /** Inserts an ENV and all its VMs in one transaction; false if the name is taken. */
    public boolean insertEnv(Env env, List<Vm> vms) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement taken = c.prepareStatement("SELECT 1 FROM envs WHERE name = ?")) {
                taken.setString(1, env.name());
                if (taken.executeQuery().next()) {
                    return false;
                }
            }
            try (PreparedStatement e = c.prepareStatement(
                    "INSERT INTO envs (id, name, owner, created_at, expires_at, ssh_keys, lease_seconds, lease_expires_at,"
                            + " tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                e.setString(1, env.id());
                e.setString(2, env.name());
                e.setString(3, env.owner());
                e.setTimestamp(4, Timestamp.from(env.createdAt()));
                e.setTimestamp(5, Timestamp.from(env.expiresAt()));
                e.setString(6, String.join(",", env.sshKeys()));
                e.setObject(7, env.leaseSeconds(), Types.INTEGER);
                e.setTimestamp(8, env.leaseExpiresAt() == null ? null : Timestamp.from(env.leaseExpiresAt()));
                e.setString(9, env.tags().isEmpty() ? null : JSON.writeValueAsString(env.tags()));
                e.executeUpdate();
            }
            try (PreparedStatement v = c.prepareStatement("INSERT INTO vms (env_id, name, image, host_id, cpu, mem_mib,"
                    + " disk_mib, state, host_vm_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Vm vm : vms) {
                    v.setString(1, env.id());
                    v.setString(2, vm.name());
                    v.setString(3, vm.image());
                    v.setString(4, vm.hostId());
                    v.setInt(5, vm.cpu());
                    v.setInt(6, vm.memMib());
                    v.setInt(7, vm.diskMib());
                    v.setString(8, vm.state().name());
                    v.setString(9, vm.hostVmId());
                    v.addBatch();
                }
                v.executeBatch();
            }
            c.commit();
            return true;
        } catch (SQLException | JsonProcessingException e) {
            throw new StoreException(e);
        }
    }

    /** Moves an ENV's lease on to {@code until}. */
    public void renewLease(String envId, Instant until) {
        update("UPDATE envs SET lease_expires_at = ? WHERE id = ? AND lease_seconds IS NOT NULL", ps -> {
            ps.setTimestamp(1, Timestamp.from(until));
            ps.setString(2, envId);
        });
    }

    /**
     * Gives every lease at least its full period from {@code from} (a lease ending later is left as
     * it is) and returns how many were moved on: while the backend was down, no client could renew.
     */
    public int renewLeasesFrom(Instant from) {
        int moved = 0;
        for (Env env : envs()) {
            if (env.leaseSeconds() != null && env.leaseExpiresAt().isBefore(from.plusSeconds(env.leaseSeconds()))) {
                renewLease(env.id(), from.plusSeconds(env.leaseSeconds()));
                moved++;
            }
        }
        return moved;
    }

    /**
     * Deletes an ENV with its VM rows in one transaction and returns the rows removed; empty if the
     * ENV was already gone, so that of two deletes racing only one goes on to free its VMs.
     */
    public Optional<List<Vm>> deleteEnv(String envId) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            List<Vm> vms = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(VM_COLUMNS + " WHERE env_id = ? ORDER BY name")) {
                ps.setString(1, envId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        vms.add(vm(rs));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM envs WHERE id = ?")) {
                ps.setString(1, envId);
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    return Optional.empty();
                }
            }
            c.commit();
            return Optional.of(vms);
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    public Optional<Env> envByName(String name) {
        return query(ENV_COLUMNS + " WHERE name = ?",
                ps -> ps.setString(1, name), PoolStore::env).stream().findFirst();
    }

    public boolean envExists(String envId) {
        return !query("SELECT 1 FROM envs WHERE id = ?", ps -> ps.setString(1, envId), rs -> rs.getInt(1)).isEmpty();
    }

    public List<Env> envs() {
        return query(ENV_COLUMNS + " ORDER BY created_at, name", ps -> { },
                PoolStore::env);
    }

    public List<Env> expiredEnvs(Instant now) {
        return query(ENV_COLUMNS + " WHERE expires_at < ? OR lease_expires_at < ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now));
        }, PoolStore::env);
    }

    public List<Vm> vms(String envId) {
        return query(VM_COLUMNS + " WHERE env_id = ? ORDER BY name", ps -> ps.setString(1, envId), PoolStore::vm);
    }

    public List<Vm> vmsOnHost(String hostId) {
        return query(VM_COLUMNS + " WHERE host_id = ?", ps -> ps.setString(1, hostId), PoolStore::vm);
    }

    /** How many of the ENVs' VMs are in a state. */
    public long countVms(VmState state) {
        return query("SELECT COUNT(*) FROM vms WHERE state = ?", ps -> ps.setString(1, state.name()), rs -> rs.getLong(1))
                .get(0);
    }

    /** How many VMs, and how much memory in MiB, the ENVs of an owner hold. */
    public long[] usageOf(String owner) {
        return query("SELECT COUNT(*), COALESCE(SUM(v.mem_mib), 0) FROM vms v JOIN envs e ON v.env_id = e.id"
                + " WHERE e.owner = ?", ps -> ps.setString(1, owner), rs -> new long[] {rs.getLong(1), rs.getLong(2)})
                .get(0);
    }

    public List<Vm> allVms() {
        return query(VM_COLUMNS + " ORDER BY env_id, name", ps -> { }, PoolStore::vm);
    }

    /** Records the host's VM; false if the VM's row is gone (its ENV was deleted meanwhile). */
    public boolean vmCreated(String envId, String name, String hostVmId, VmState state, String address,
                             Map<Integer, Integer> ports) {
        return update("UPDATE vms SET host_vm_id = ?, state = ?, address = ?, ports = ? WHERE env_id = ? AND name = ?",
                ps -> {
                    ps.setString(1, hostVmId);
                    ps.setString(2, state.name());
                    ps.setString(3, address);
                    ps.setString(4, encodePorts(ports));
                    ps.setString(5, envId);
                    ps.setString(6, name);
                }) > 0;
    }

    public void vmState(String envId, String name, VmState state, String error) {
        update("UPDATE vms SET state = ?, error = ? WHERE env_id = ? AND name = ?", ps -> {
            ps.setString(1, state.name());
            ps.setString(2, error == null ? null : error.substring(0, Math.min(error.length(), 2000)));
            ps.setString(3, envId);
            ps.setString(4, name);
        });
    }

    private static final String ENV_COLUMNS = "SELECT id, name, owner, created_at, expires_at, ssh_keys, lease_seconds,"
            + " lease_expires_at, tags FROM envs";
    private static final String VM_COLUMNS = "SELECT env_id, name, image, host_id, host_vm_id, cpu, mem_mib, disk_mib,"
            + " state, address, ports, error FROM vms";

    private static Env env(ResultSet rs) throws SQLException {
        String keys = rs.getString(6);
        Integer lease = rs.getObject(7, Integer.class);
        Timestamp leaseEnd = rs.getTimestamp(8);
        String tags = rs.getString(9);
        try {
            return new Env(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                    rs.getTimestamp(5).toInstant(), lease,
                    leaseEnd == null ? null : leaseEnd.toInstant(),
                    tags == null ? Map.of() : JSON.readValue(tags, new TypeReference<Map<String, String>>() { }),
                    keys == null || keys.isEmpty() ? List.of() : List.of(keys.split(",")));
        } catch (JsonProcessingException e) {
            throw new SQLException("bad tags of ENV " + rs.getString(1) + ": " + e.getMessage(), e);
        }
    }

    private static Vm vm(ResultSet rs) throws SQLException {
        return new Vm(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                rs.getInt(7), rs.getInt(8), VmState.valueOf(rs.getString(9)), rs.getString(10),
                decodePorts(rs.getString(11)), rs.getString(12));
    }

    static String encodePorts(Map<Integer, Integer> ports) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(ports).forEach((g, h) -> sb.append(sb.length() == 0 ? "" : ",").append(g).append(':').append(h));
        return sb.toString();
    }

    static Map<Integer, Integer> decodePorts(String text) {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        if (text != null && !text.isEmpty()) {
            for (String pair : text.split(",")) {
                String[] gh = pair.split(":");
                ports.put(Integer.parseInt(gh[0]), Integer.parseInt(gh[1]));
            }
        }
        return ports;
    }

    private <T> List<T> query(String sql, SqlStatements.Binder binder, SqlStatements.Row<T> row) {
        return statements.query(sql, binder, row);
    }

    private int update(String sql, SqlStatements.Binder binder) {
        return statements.update(sql, binder);
    }

    /** A database failure: the state could not be read or written. */
    public static final class StoreException extends RuntimeException {
        StoreException(Exception e) {
            super("database error: " + e.getMessage(), e);
        }
    }
}
