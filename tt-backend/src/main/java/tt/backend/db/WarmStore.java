package tt.backend.db;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** The warm pools' settings and the warm VMs the backend holds on its hosts. */
public final class WarmStore {

    /** How many warm VMs of an image to keep: at least {@code min}, up to {@code max} as demand asks. */
    public record Pool(String image, int min, int max) {
    }

    /** A warm VM on a host; its name is its own until an ENV takes it. */
    public record WarmVm(String name, String hostVmId, String hostId, String image, int cpu, int memMib, int diskMib,
                         Instant createdAt) {
    }

    private final SqlStatements statements;

    public WarmStore(Database db) {
        this.statements = new SqlStatements(db);
    }

    public List<Pool> pools() {
        return statements.query("SELECT image, min_size, max_size FROM warm_pools ORDER BY image", ps -> { },
                rs -> new Pool(rs.getString(1), rs.getInt(2), rs.getInt(3)));
    }

    /** Sets an image's pool (made if it had none). */
    public void setPool(Pool p) {
        if (statements.update("UPDATE warm_pools SET min_size = ?, max_size = ? WHERE image = ?", ps -> {
            ps.setInt(1, p.min());
            ps.setInt(2, p.max());
            ps.setString(3, p.image());
        }) == 0) {
            statements.update("INSERT INTO warm_pools (image, min_size, max_size) VALUES (?, ?, ?)", ps -> {
                ps.setString(1, p.image());
                ps.setInt(2, p.min());
                ps.setInt(3, p.max());
            });
        }
    }

    /** Removes an image's pool; false if it had none. */
    public boolean deletePool(String image) {
        return statements.update("DELETE FROM warm_pools WHERE image = ?", ps -> ps.setString(1, image)) > 0;
    }

    public List<WarmVm> vms() {
        return statements.query("SELECT name, host_vm_id, host_id, image, cpu, mem_mib, disk_mib, created_at FROM warm_vms"
                + " ORDER BY created_at", ps -> { }, rs -> new WarmVm(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getTimestamp(8).toInstant()));
    }

    public void addVm(WarmVm vm) {
        statements.update("INSERT INTO warm_vms (name, host_vm_id, host_id, image, cpu, mem_mib, disk_mib, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, vm.name());
                    ps.setString(2, vm.hostVmId());
                    ps.setString(3, vm.hostId());
                    ps.setString(4, vm.image());
                    ps.setInt(5, vm.cpu());
                    ps.setInt(6, vm.memMib());
                    ps.setInt(7, vm.diskMib());
                    ps.setTimestamp(8, Timestamp.from(vm.createdAt()));
                });
    }

    /** Takes a warm VM off the pool; false if another call took it first (it is then not this caller's). */
    public boolean removeVm(String name) {
        return statements.update("DELETE FROM warm_vms WHERE name = ?", ps -> ps.setString(1, name)) > 0;
    }
}
