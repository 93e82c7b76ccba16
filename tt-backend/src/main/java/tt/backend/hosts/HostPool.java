package tt.backend.hosts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.Capacity;
import tt.api.HostInfo;
import tt.api.HostStatus;
import tt.api.ImageInfo;
import tt.api.JoinToken;
import tt.api.ServerAddress;
import tt.api.VmInfo;
import tt.backend.db.PoolStore;
import tt.backend.placement.Placement;
import tt.client.HostClient;
import tt.server.ConflictException;
import tt.server.NotFoundException;
import tt.local.DaemonThreads;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The hosts of the pool: polled every second for their resources, images and VMs. The backend
 * keeps its own ledger per host (it is the only one creating VMs there), so placement never
 * double-books a host even while hosts have not yet reported new VMs.
 */
public final class HostPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostPool.class);
    private static final int FIRST_POLLS_AT_ONCE = 16;

    /** Told of every poll's VM list, asked for at {@code askedAt}, and of a host going offline. */
    public interface Listener {
        /** The host answered a poll, asked for at {@code askedAt}, with the VMs it has. */
        void answeredPoll(String hostId, List<VmInfo> vms, Instant askedAt);

        void wentOffline(String hostId, String why);
    }

    private static final class Member {
        volatile PoolStore.Host row;
        volatile HostClient client;
        volatile HostInfo info;
        volatile Map<String, ImageInfo> images = Map.of();
        volatile boolean online;
        volatile String error = "not polled yet";
        volatile HostLedger ledger;

        Member(PoolStore.Host row, HostClient client) {
            this.row = row;
            this.client = client;
        }
    }

    private final PoolStore store;
    private final HostConnector connector;
    private final Function<String, Map<String, Capacity>> sharesHeldOn;
    private final Clock clock;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller =
            Executors.newScheduledThreadPool(2, DaemonThreads.named("host-poll"));
    private volatile Listener listener;

    /**
     * @param sharesHeldOn what each of the backend's VMs holds on a host (by ledger key), to rebuild its ledger
     * @param clock        what stamps each poll, for the listener to tell VMs made after it
     */
    public HostPool(PoolStore store, HostConnector connector, Function<String, Map<String, Capacity>> sharesHeldOn,
                    Clock clock) {
        this.store = store;
        this.connector = connector;
        this.sharesHeldOn = sharesHeldOn;
        this.clock = clock;
    }

    public void start(Listener l, long pollMillis) {
        this.listener = l;
        store.hosts().forEach(this::admit);
        // the hosts known from the database are first polled a period from now; added hosts at once
        poller.scheduleWithFixedDelay(this::pollAll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Adds a host by address and port (its id is {@code address:port}), joining it first unless it
     * serves plain HTTP: with {@code joinToken}, else with the token a host of this machine publishes.
     * A host already in the pool is joined anew when a join token is given (it was set up anew).
     */
    public String add(String address, int port, boolean plainHttp, JoinToken joinToken) throws IOException {
        PoolStore.Host given = row(address, port, plainHttp);
        Member known = members.get(given.id());
        if (known != null && (joinToken == null || known.row.plainHttp())) {
            throw new ConflictException("host " + given.id() + " is already in the pool");
        }
        PoolStore.Host row = given;
        if (!plainHttp) {
            JoinToken token = joinToken != null ? joinToken : connector.localJoinToken(given).orElseThrow(() ->
                    new IllegalArgumentException("host " + given.id() + " must be joined to this backend: give its"
                            + " join token, tt host add " + given.id() + " --join-token TOKEN (tt-host logs where it"
                            + " keeps it: STATE_DIR/join-token on the host)"));
            row = join(given, token);
        }
        if (known != null) {
            poll(known);
            return row.id();
        }
        if (!store.addHost(row)) {
            throw new ConflictException("host " + row.id() + " is already in the pool");
        }
        admit(row);
        poll(members.get(row.id()));
        LOG.info("host {} added", row.id());
        return row.id();
    }

    /**
     * Adds a host named on the backend's command line unless it is in the pool already; one whose
     * certificate is not known ({@code fingerprint} null) and that cannot be joined yet is kept,
     * offline until it is (see {@link #poll}).
     */
    public void addConfigured(ServerAddress host, String fingerprint) {
        admitConfigured(host, fingerprint).ifPresent(this::poll);
    }

    /**
     * Adds the hosts given at start (those not in the pool yet) and polls them all at once, so that a
     * backend of many hosts, or of some that do not answer, serves after one poll's time, not the sum.
     */
    public void addConfigured(List<ServerAddress> hosts) {
        List<Member> added = hosts.stream().map(h -> admitConfigured(h, null)).flatMap(Optional::stream).toList();
        if (added.isEmpty()) {
            return;
        }
        ExecutorService polls = Executors.newFixedThreadPool(Math.min(added.size(), FIRST_POLLS_AT_ONCE),
                DaemonThreads.named("host-first-poll"));
        try {
            CompletableFuture.allOf(added.stream().map(m -> CompletableFuture.runAsync(() -> poll(m), polls))
                    .toArray(CompletableFuture[]::new)).join();
        } finally {
            polls.shutdown();
        }
    }

    private Optional<Member> admitConfigured(ServerAddress host, String fingerprint) {
        PoolStore.Host row = row(host.address(), host.port(), host.plainHttp()).joined(fingerprint);
        if (members.containsKey(row.id()) || !store.addHost(row)) {
            LOG.debug("host {} already in the pool", row.id());
            return Optional.empty();
        }
        admit(row);
        return Optional.of(members.get(row.id()));
    }

    private static PoolStore.Host row(String address, int port, boolean plainHttp) {
        if (address == null || !address.matches("[A-Za-z0-9.:-]{1,253}") || port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad host '" + address + ":" + port + "': give ADDRESS:PORT, e.g. 127.0.0.1:20000");
        }
        return new PoolStore.Host(address + ":" + port, address, port, plainHttp, null);
    }

    /** Joins a host of this machine with the token it published, unless a concurrent poll just did. */
    private synchronized void joinLocally(Member m) {
        PoolStore.Host row = m.row;
        if (row.fingerprint() == null) {
            join(row, connector.localJoinToken(row).orElseThrow(() -> new NotJoinedException(row)));
        }
    }

    /**
     * Joins a host with a join token and records the certificate it presented; says why when it
     * fails. One join at a time: each uses the host's token up.
     */
    private synchronized PoolStore.Host join(PoolStore.Host row, JoinToken token) {
        try {
            connector.join(row, token);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot join host " + row.id() + ": " + OfflineReason.of(e,
                    HostConnector.base(row)), e);
        }
        PoolStore.Host joined = row.joined(token.hostFingerprint());
        store.setHostFingerprint(row.id(), joined.fingerprint());
        Member m = members.get(row.id());
        if (m != null) {
            m.row = joined;
            m.client = connector.client(joined);
        }
        LOG.info("host {} joined: it presents {}", row.id(), joined.fingerprint());
        return joined;
    }

    public void remove(String id, boolean hasVms) {
        if (!members.containsKey(id)) {
            throw new NotFoundException("no host '" + id + "' in the pool: see 'tt host list'");
        }
        if (hasVms) {
            throw new ConflictException("host " + id + " still runs VMs of ENVs: delete those ENVs first");
        }
        store.deleteHost(id);
        members.remove(id);
        LOG.info("host {} removed", id);
    }

    private void admit(PoolStore.Host row) {
        members.putIfAbsent(row.id(), new Member(row, connector.client(row)));
    }

    private void pollAll() {
        members.values().forEach(m -> {
            try {
                poll(m);
            } catch (RuntimeException e) {
                LOG.error("polling host {} failed", m.row.id(), e);
            }
        });
    }

    private void poll(Member m) {
        try {
            if (!m.row.plainHttp() && m.row.fingerprint() == null) {
                joinLocally(m);
            }
            HostInfo info = m.client.host();
            List<ImageInfo> images = m.client.images();
            Instant askedAt = clock.instant();
            List<VmInfo> vms = m.client.vms();
            boolean cameOnline = !m.online;
            m.info = info;
            m.images = images.stream().collect(Collectors.toUnmodifiableMap(ImageInfo::name, i -> i, (a, b) -> a));
            if (m.ledger == null || !m.ledger.total().equals(info.total())) {
                m.ledger = new HostLedger(info.total(), sharesHeldOn.apply(m.row.id()));
            }
            m.online = true;
            m.error = null;
            if (cameOnline) {
                LOG.info("host {} online: {} images, {} VMs", m.row.id(), images.size(), vms.size());
            }
            if (listener != null) {
                listener.answeredPoll(m.row.id(), vms, askedAt);
            }
        } catch (Exception e) {
            boolean wasOnline = m.online;
            String why = OfflineReason.of(e, m.client.base());
            m.online = false;
            if (!why.equals(m.error)) {
                LOG.warn("host {} offline: {}", m.row.id(), why);
            }
            m.error = why;
            if (wasOnline && listener != null) {
                listener.wentOffline(m.row.id(), why);
            }
        }
    }

    /** A host the backend has not been joined to yet, and has no join token for. */
    static final class NotJoinedException extends IllegalStateException {
        NotJoinedException(PoolStore.Host row) {
            super("not joined to this backend yet: give the host's join token, tt host add " + row.id()
                    + " --join-token TOKEN (tt-host logs where it keeps it: STATE_DIR/join-token on the host)");
        }
    }

    public List<HostStatus> status() {
        return members.values().stream().sorted((a, b) -> a.row.id().compareTo(b.row.id())).map(m -> {
            HostInfo i = m.info;
            return new HostStatus(m.row.id(), m.row.address(), m.row.port(), m.online, i == null ? null : i.accel(),
                    i == null ? null : i.total(), i == null ? null : i.used(), i == null ? 0 : i.vmCount(), m.error);
        }).toList();
    }

    public List<String> images() {
        Set<String> all = new TreeSet<>();
        members.values().stream().filter(m -> m.online).forEach(m -> all.addAll(m.images.keySet()));
        return List.copyOf(all);
    }

    /** The online hosts' images, each once (with a measured slowdown where a host has one). */
    public List<ImageInfo> imageInfos() {
        Map<String, ImageInfo> all = new TreeMap<>();
        members.values().stream().filter(m -> m.online)
                .forEach(m -> m.images.values().forEach(i -> all.merge(i.name(), i,
                        (known, other) -> known.slowdown() != null ? known : other)));
        return List.copyOf(all.values());
    }

    /** The least memory an image's VMs need, in MiB, as an online host reports it. */
    public int imageMinMemMib(String image) {
        return members.values().stream().filter(m -> m.online).map(m -> m.images.get(image))
                .filter(Objects::nonNull).mapToInt(ImageInfo::minMemMib).max().orElse(0);
    }

    /** The size of an image's disk in MiB, as an online host reports it (0 if none has it). */
    public int imageDiskMib(String image) {
        return members.values().stream().filter(m -> m.online).map(m -> m.images.get(image))
                .filter(Objects::nonNull).mapToInt(i -> (int) ((i.diskKib() + 1023) / 1024)).max().orElse(0);
    }

    /** The online hosts as placement candidates, with what the backend has not yet handed out. */
    public List<Placement.Candidate> candidates() {
        return members.values().stream().filter(m -> m.online && m.ledger != null)
                .map(m -> new Placement.Candidate(m.row.id(), m.ledger.free(), m.images.keySet()))
                .toList();
    }

    /** Records a VM's share of a host under its key (see {@link HostLedger#key}). */
    public void reserve(String hostId, String key, Capacity share) {
        member(hostId).ledger.reserve(key, share);
    }

    /** Gives a VM's share back; releasing a key twice changes nothing. */
    public void release(String hostId, String key) {
        Member m = members.get(hostId);
        if (m != null && m.ledger != null) {
            m.ledger.release(key);
        }
    }

    /** What the backend has handed out on a host, as its ledger says (null before its first poll). */
    public Capacity handedOut(String hostId) {
        HostLedger ledger = member(hostId).ledger;
        return ledger == null ? null : ledger.used();
    }

    public HostClient client(String hostId) {
        return member(hostId).client;
    }

    public boolean isOnline(String hostId) {
        Member m = members.get(hostId);
        return m != null && m.online;
    }

    private Member member(String hostId) {
        Member m = members.get(hostId);
        if (m == null) {
            throw new NotFoundException("no host '" + hostId + "' in the pool");
        }
        return m;
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
