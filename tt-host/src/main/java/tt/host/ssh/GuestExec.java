package tt.host.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import tt.api.ExecResult;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs one command in a guest over SSH with the daemon's key. The guest's host key is made at its
 * first boot and reaches nobody beforehand, so it is not checked; the connection never leaves
 * this machine (it goes to the VM's forwarded port).
 */
public final class GuestExec {

    /** Output kept per stream; the rest is cut off and marked. */
    static final int MAX_OUTPUT = 1 << 20;

    private final HostSshKey key;

    public GuestExec(HostSshKey key) {
        this.key = key;
    }

    public ExecResult run(String host, int port, String user, String command, int timeoutSeconds)
            throws IOException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeoutSeconds * 1_000_000_000L;
        Session session = null;
        try {
            JSch jsch = new JSch();
            key.addTo(jsch);
            session = jsch.getSession(user, host, port);
            session.setConfig("StrictHostKeyChecking", "no");
            session.connect(Math.min(timeoutSeconds, 30) * 1000);
            ChannelExec ch = (ChannelExec) session.openChannel("exec");
            ch.setCommand(command);
            ch.setInputStream(null);
            InputStream out = ch.getInputStream();
            InputStream err = ch.getErrStream();
            ch.connect(10_000);
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            boolean timedOut = false;
            while (true) {
                boolean moved = drain(out, stdout) | drain(err, stderr);
                if (ch.isClosed() && out.available() == 0 && err.available() == 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    timedOut = true;
                    break;
                }
                if (!moved) {
                    Thread.sleep(5);
                }
            }
            int exit = timedOut ? -1 : ch.getExitStatus();
            ch.disconnect();
            return new ExecResult(exit, text(stdout), text(stderr), (System.nanoTime() - t0) / 1_000_000, timedOut);
        } catch (JSchException e) {
            throw new IOException("SSH to " + host + ":" + port + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            if (session != null) {
                session.disconnect();
            }
        }
    }

    private static boolean drain(InputStream in, ByteArrayOutputStream sink) throws IOException {
        int n = in.available();
        if (n <= 0) {
            return false;
        }
        byte[] buf = in.readNBytes(n);
        int room = MAX_OUTPUT - sink.size();
        if (room > 0) {
            sink.write(buf, 0, Math.min(room, buf.length));
        }
        return true;
    }

    private static String text(ByteArrayOutputStream sink) {
        String s = sink.toString(StandardCharsets.UTF_8);
        return sink.size() >= MAX_OUTPUT ? s + "\n[output cut at " + MAX_OUTPUT + " bytes]" : s;
    }
}
