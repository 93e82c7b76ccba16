package tt.jenkins.plugin;

import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import io.jenkins.plugins.casc.model.CNode;
import org.junit.jupiter.api.Test;

import static io.jenkins.plugins.casc.misc.Util.getJenkinsRoot;
import static io.jenkins.plugins.casc.misc.Util.toYamlString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@WithJenkinsConfiguredWithCode
class TtCloudCascTest {

    @Test
    @ConfiguredWithCode("casc.yml")
    void theCloudIsConfiguredAsCodeAndExportedBack(JenkinsConfiguredWithCodeRule j) throws Exception {
        TtCloud cloud = (TtCloud) j.jenkins.getCloud("tt-lab");
        assertEquals("http://tt.example.com:8080", cloud.getServerUrl());
        assertEquals("tt-token", cloud.getCredentialsId());
        assertEquals(10, cloud.getInstanceCap());
        assertFalse(cloud.isDynamicLabels());
        TtAgentTemplate t = cloud.getTemplates().get(0);
        assertEquals("linux-big", t.getLabelString());
        assertEquals("ubuntu2004", t.getOsPrefix());
        assertEquals(4, t.getCpu());
        assertFalse(t.isOneShot());

        CNode clouds = getJenkinsRoot(new ConfigurationContext(ConfiguratorRegistry.get())).get("clouds");
        String exported = toYamlString(clouds);
        assertTrue(exported.contains("tt:") && exported.contains("http://tt.example.com:8080")
                && exported.contains("linux-big") && exported.contains("tt-lab"), exported);
    }
}
