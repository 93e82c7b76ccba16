package tt.jenkins.plugin;

import hudson.model.Label;
import hudson.slaves.Cloud;
import hudson.util.FormValidation;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@WithJenkins
class TtCloudConfigTest {

    private static TtCloud cloud() {
        TtCloud cloud = new TtCloud("tt", "http://tt.example.com:8080", "tt-token");
        cloud.setInstanceCap(7);
        cloud.setConnectTimeoutSeconds(120);
        TtAgentTemplate big = new TtAgentTemplate("linux-big");
        big.setOsPrefix("ubuntu2004");
        big.setCpu(4);
        big.setMemMib(8192);
        big.setDiskMib(20480);
        big.setNumExecutors(2);
        big.setOneShot(false);
        big.setIdleMinutes(15);
        big.setInstanceCap(3);
        big.setJvmOptions("-Xmx1g");
        big.setRemoteFs("/srv/agent");
        TtAgentTemplate arm = new TtAgentTemplate("arm");
        arm.setImage("qemu:debian-12:aarch64");
        cloud.setTemplates(List.of(big, arm));
        return cloud;
    }

    @Test
    void theCloudSurvivesAUiRoundTrip(JenkinsRule r) throws Exception {
        TtCloud before = cloud();
        r.jenkins.clouds.add(before);
        r.submit(r.createWebClient().goTo("cloud/tt/configure").getFormByName("config"));
        TtCloud after = (TtCloud) r.jenkins.getCloud("tt");
        assertNotSame(before, after, "the form made a new cloud");
        r.assertEqualDataBoundBeans(before, after);
        assertEquals(7, after.getInstanceCap());
    }

    @Test
    void labelsPickTheirTemplateOrADynamicOne(JenkinsRule r) {
        TtCloud cloud = cloud();
        r.jenkins.clouds.add(cloud);
        assertSame(cloud.getTemplates().get(0), cloud.templateFor(Label.get("linux-big")));
        TtAgentTemplate dynamic = cloud.templateFor(Label.get("tt-centos--cpu2--mem2048"));
        assertEquals("centos", dynamic.getOsPrefix());
        assertEquals(2, dynamic.getCpu());
        assertEquals(2048, dynamic.getMemMib());
        assertTrue(dynamic.isOneShot());
        assertEquals("qemu:debian-12:x86_64",
                cloud.templateFor(Label.get("tt-image:qemu:debian-12:x86_64")).getImage());
        assertTrue(cloud.canProvision(new Cloud.CloudState(Label.get("tt-ubuntu2004"), 0)));
        assertFalse(cloud.canProvision(new Cloud.CloudState(Label.get("windows"), 0)));
        assertFalse(cloud.canProvision(new Cloud.CloudState(null, 0)));
        cloud.setDynamicLabels(false);
        assertNull(cloud.templateFor(Label.get("tt-ubuntu2004")));
    }

    @Test
    void theFormChecksTheBackendUrl(JenkinsRule r) {
        TtCloud.DescriptorImpl d = r.jenkins.getDescriptorByType(TtCloud.DescriptorImpl.class);
        assertEquals(FormValidation.Kind.OK, d.doCheckServerUrl("https://tt.example.com:20002").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckServerUrl("").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckServerUrl("ftp://tt").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doTestConnection("https://127.0.0.1:1", "", "").kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckFingerprint("SHA256:" + "A".repeat(43)).kind);
        assertEquals(FormValidation.Kind.OK, d.doCheckFingerprint("").kind);
        assertEquals(FormValidation.Kind.ERROR, d.doCheckFingerprint("md5:aa:bb").kind);
    }
}
