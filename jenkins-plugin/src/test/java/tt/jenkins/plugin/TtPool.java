package tt.jenkins.plugin;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.util.Secret;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jvnet.hudson.test.JenkinsRule;
import tt.api.HostStatus;
import tt.client.BackendClient;
import tt.testkit.BackendProcess;
import tt.testkit.FreePort;
import tt.testkit.HostProcess;
import tt.testkit.Requirements;
import tt.testkit.TinyImage;
import tt.testkit.Wait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real TT pool for the Jenkins tests: one tt-host with the tiny x86_64 image, and tt-backend. */
final class TtPool implements AutoCloseable {

    static final String CREDENTIALS_ID = "tt-token";
    private static final String HOST_TOKEN = "jenkins-test-pool";

    final HostProcess host;
    final BackendProcess backend;

    private TtPool(HostProcess host, BackendProcess backend) {
        this.host = host;
        this.backend = backend;
    }

    static TtPool start(String name) throws Exception {
        Requirements.qemuAndRoot();
        Path work = Files.createDirectories(Path.of("target/tt-pool-" + name).toAbsolutePath());
        Path images = TinyImage.x86Only(work.resolve("images"));
        HostProcess host = HostProcess.start(images, work, 2, 4L * 1024 * 1024, FreePort.get(), HOST_TOKEN, List.of());
        BackendProcess backend = BackendProcess.start(work.resolve("db-" + System.nanoTime()), FreePort.get(),
                List.of(host), HOST_TOKEN, List.of());
        TtPool pool = new TtPool(host, backend);
        Wait.until("the TT host is online", Duration.ofSeconds(30),
                () -> pool.client().status().hosts().stream().anyMatch(HostStatus::online));
        return pool;
    }

    BackendClient client() {
        return backend.client();
    }

    /** Stores the API token as Secret text credentials and adds a TT cloud named "tt" for this pool. */
    TtCloud addCloud(JenkinsRule r) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL,
                CREDENTIALS_ID, "TT API token", Secret.fromString(backend.token())));
        SystemCredentialsProvider.getInstance().save();
        TtCloud cloud = new TtCloud("tt", backend.baseUri(), CREDENTIALS_ID);
        cloud.setConnectTimeoutSeconds(240);
        r.jenkins.clouds.add(cloud);
        r.jenkins.save();
        return cloud;
    }

    @Override
    public void close() throws Exception {
        backend.close();
        host.close();
    }
}
