package tt.jenkins.plugin;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.util.Secret;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jvnet.hudson.test.JenkinsRule;
import tt.client.BackendClient;
import tt.testkit.HostProcess;
import tt.testkit.TinyPool;

import java.io.IOException;
import java.nio.file.Path;

/** A real TT pool for the Jenkins tests ({@link TinyPool}), and the TT cloud that uses it. */
final class TtPool implements AutoCloseable {

    static final String CREDENTIALS_ID = "tt-token";

    private final TinyPool pool;
    final HostProcess host;

    private TtPool(TinyPool pool) {
        this.pool = pool;
        this.host = pool.host();
    }

    static TtPool start(String name) throws Exception {
        return new TtPool(TinyPool.start(Path.of("target/tt-pool-" + name).toAbsolutePath(), 2, 4L * 1024 * 1024));
    }

    BackendClient client() {
        return pool.client();
    }

    String backendUri() {
        return pool.backend().baseUri();
    }

    String backendToken() {
        return pool.backend().token();
    }

    String backendLog() throws IOException {
        return pool.backend().log();
    }

    /** Stores the API token as Secret text credentials and adds a TT cloud named "tt" for this pool. */
    TtCloud addCloud(JenkinsRule r) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL,
                CREDENTIALS_ID, "TT API token", Secret.fromString(pool.backend().token())));
        SystemCredentialsProvider.getInstance().save();
        TtCloud cloud = new TtCloud("tt", pool.backend().baseUri(), CREDENTIALS_ID);
        cloud.setFingerprint(pool.backend().fingerprint());
        cloud.setConnectTimeoutSeconds(240);
        r.jenkins.clouds.add(cloud);
        r.jenkins.save();
        return cloud;
    }

    @Override
    public void close() throws InterruptedException {
        pool.close();
    }
}
